import type { Metadata } from 'next';
import { AbTestDetail } from '@/components/ab/ab-test-detail';

export const metadata: Metadata = { title: 'A/B test' };

type Params = Promise<{ id: string }>;

export default async function AbTestPage({ params }: { params: Params }) {
  const { id } = await params;
  return <AbTestDetail id={decodeURIComponent(id)} />;
}
