import type { Metadata } from 'next';
import { type CompareSelection, CompareView } from '@/components/registry/compare-view';

export const metadata: Metadata = { title: 'Compare versions' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** `/models/compare?model=slug&a=1.0.0&b=1.1.0[&modelB=other-slug]`; the selection lives in the URL. */
export default async function ComparePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const get = (k: string) => {
    const v = params[k];
    return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
  };
  const model = get('model');
  const modelB = get('modelB');
  const initial: CompareSelection = { model, a: get('a'), b: get('b'), modelB: modelB === model ? '' : modelB };
  return <CompareView initial={initial} />;
}
