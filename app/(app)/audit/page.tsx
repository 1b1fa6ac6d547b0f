import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { PageHeader } from '@/components/ui/page-header';
import { AuditLog, type AuditFilters } from '@/components/audit/audit-log';

export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const get = (k: string) => {
    const v = params[k];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  // Filters live in the URL so a filtered view can be shared or bookmarked.
  const initial: AuditFilters = { actor: get('actor'), action: get('action'), target: get('target'), from: get('from'), to: get('to') };
  return (
    <>
      <PageHeader title="Audit log" description="Every change, who made it and from which request. Append-only: nothing here can be edited or deleted." />
      <RequireScope scope="audit:read">
        {/* Keyed so a link to other filters (or plain /audit) starts from those, not the last ones typed. */}
        <AuditLog key={JSON.stringify(initial)} initial={initial} />
      </RequireScope>
    </>
  );
}
