import type { Metadata } from 'next';
import { AbTestList } from '@/components/ab/ab-test-list';

export const metadata: Metadata = { title: 'A/B tests' };

/** Every signed-in role holds abTests:read. */
export default function AbTestsPage() {
  return <AbTestList />;
}
