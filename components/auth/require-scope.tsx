import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { hasAccess, rolesWith, type Scope } from '@/server/auth/access';
import { EmptyState } from '@/components/ui/empty-state';
import { getCurrentActor } from './current-actor';

/**
 * Server component: renders `children` only for roles holding `scope`, otherwise a plain "no access"
 * notice (the procedures refuse such callers anyway; this spares them a page of errors).
 */
export async function RequireScope({ scope, children }: { scope: Scope; children: ReactNode }) {
  const actor = await getCurrentActor();
  if (!actor) redirect('/login');
  if (!hasAccess(actor.role, scope)) {
    return (
      <EmptyState
        title="You don't have access to this page"
        description={`It needs the ${scope} permission, which the ${rolesWith(scope).join(', ')} role${rolesWith(scope).length > 1 ? 's have' : ' has'}. Your role is ${actor.role}.`}
      />
    );
  }
  return children;
}
