import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { PageHeader } from '@/components/ui/page-header';
import { UsersAdmin } from '@/components/admin/users-admin';

export const metadata: Metadata = { title: 'Users' };

export default function UsersPage() {
  return (
    <>
      <PageHeader title="Users" description="Who can sign in, and with which role. Changes apply on the user's next request." />
      <RequireScope scope="users:manage">
        <UsersAdmin />
      </RequireScope>
    </>
  );
}
