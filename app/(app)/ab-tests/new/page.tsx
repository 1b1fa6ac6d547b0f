import type { Metadata } from 'next';
import { CreateTestForm } from '@/components/ab/create-test-form';
import { RequireScope } from '@/components/auth/require-scope';

export const metadata: Metadata = { title: 'New A/B test' };

export default function NewAbTestPage() {
  return (
    <RequireScope scope="abTests:manage">
      <CreateTestForm />
    </RequireScope>
  );
}
