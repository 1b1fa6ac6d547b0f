import type { Metadata } from 'next';
import { decodeSegment } from '@/components/registry/types';
import { ModelDetail } from '@/components/registry/model-detail';

type Params = Promise<{ slug: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug } = await params;
  return { title: decodeSegment(slug) };
}

export default async function ModelPage({ params }: { params: Params }) {
  const { slug } = await params;
  return <ModelDetail slug={decodeSegment(slug)} />;
}
