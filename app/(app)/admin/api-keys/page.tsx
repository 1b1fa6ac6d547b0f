import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { PageHeader } from '@/components/ui/page-header';
import { ApiKeysAdmin } from '@/components/admin/api-keys-admin';

export const metadata: Metadata = { title: 'API keys' };

export default function ApiKeysPage() {
  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys for machines (CI, gateways) calling <code>/api/v1</code> with <code>Authorization: Bearer nw_…</code>. A key acts with the role given here.
          </>
        }
      />
      <RequireScope scope="apiKeys:manage">
        <ApiKeysAdmin />
      </RequireScope>
    </>
  );
}
