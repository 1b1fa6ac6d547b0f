import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { SystemStatusView } from '@/components/system/system-status';

export const metadata: Metadata = { title: 'System' };

export default function SystemPage() {
  return (
    <RequireScope scope="system:read">
      <SystemStatusView />
    </RequireScope>
  );
}
