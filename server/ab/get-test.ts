import { db } from '@/db/client';
import { loadTest } from './definition';
import { testView } from './views';

export async function getTest(ref: string) {
  return testView(await loadTest(db, ref));
}
