import type { Metadata } from 'next';
import { decodeSegment } from '@/components/registry/types';
import { VersionDetail } from '@/components/registry/version-detail';

type Params = Promise<{ slug: string; version: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug, version } = await params;
  return { title: `${decodeSegment(slug)} ${decodeSegment(version)}` };
}

export default async function VersionPage({ params }: { params: Params }) {
  const { slug, version } = await params;
  return <VersionDetail slug={decodeSegment(slug)} version={decodeSegment(version)} />;
}
