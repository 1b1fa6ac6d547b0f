import type { Metadata } from 'next';
import { ModelList } from '@/components/registry/model-list';

export const metadata: Metadata = { title: 'Models' };

/** Every signed-in role holds registry:read, so the (app) layout's sign-in check is all this page needs. */
export default function ModelsPage() {
  return <ModelList />;
}
