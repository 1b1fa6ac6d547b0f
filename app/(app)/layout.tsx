import type { ReactNode } from 'react';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentActor } from '@/components/auth/current-actor';
import { SeedMe } from '@/components/auth/seed-me';
import { SidebarCluster } from '@/components/cluster/sidebar-cluster';
import { type NavSection, SidebarNav } from '@/components/layout/sidebar-nav';
import { SignOutButton } from '@/components/layout/sign-out-button';
import { RoleBadge } from '@/components/ui/badge';
import { hasAccess, roleScopes } from '@/server/auth/access';
import { describeCluster } from '@/server/cluster/overview/describe-cluster';

// Per-user pages: never prerendered at build time (the session decides what each one shows).
export const dynamic = 'force-dynamic';

/** Every page in this group needs a signed-in user; the nav shows only what their role may open. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const actor = await getCurrentActor();
  if (!actor) redirect('/login');

  const sections: NavSection[] = [
    {
      items: [
        { href: '/models', label: 'Models' },
        ...(hasAccess(actor.role, 'training:read') ? [{ href: '/training', label: 'Training' }] : []),
        ...(hasAccess(actor.role, 'deployments:read') ? [{ href: '/deployments', label: 'Deployments' }] : []),
        ...(hasAccess(actor.role, 'abTests:read') ? [{ href: '/ab-tests', label: 'A/B tests' }] : []),
        ...(hasAccess(actor.role, 'approvals:read') ? [{ href: '/approvals', label: 'Approvals' }] : []),
        ...(hasAccess(actor.role, 'audit:read') ? [{ href: '/audit', label: 'Audit' }] : []),
        ...(hasAccess(actor.role, 'cluster:read') ? [{ href: '/cluster', label: 'Cluster' }] : []),
        ...(hasAccess(actor.role, 'system:read') ? [{ href: '/system', label: 'System' }] : []),
      ],
    },
  ];
  const adminItems = [
    ...(hasAccess(actor.role, 'users:manage') ? [{ href: '/admin/users', label: 'Users' }] : []),
    ...(hasAccess(actor.role, 'apiKeys:manage') ? [{ href: '/admin/api-keys', label: 'API keys' }] : []),
  ];
  if (adminItems.length) sections.push({ title: 'Admin', items: adminItems });
  // Read from configuration (no connection): the shell never waits for, or starts, the cluster.
  const cluster = describeCluster();

  return (
    <SeedMe me={{ ...actor, scopes: roleScopes[actor.role] }}>
      <div className="app-shell">
        <aside className="sidebar">
          <Link href="/models" className="sidebar-brand">
            <span className="brand-mark" aria-hidden="true">
              NW
            </span>
            NeuroWeaver
          </Link>
          <SidebarCluster cluster={cluster} href={hasAccess(actor.role, 'cluster:read') ? '/cluster' : undefined} />
          <SidebarNav sections={sections} />
          <div className="sidebar-user">
            <div className="sidebar-user-email" title={actor.label}>
              {actor.label}
            </div>
            <RoleBadge role={actor.role} />
            <SignOutButton />
          </div>
        </aside>
        <main className="content">{children}</main>
      </div>
    </SeedMe>
  );
}
