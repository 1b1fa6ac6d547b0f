/**
 * Run in a separate process by the determinism test: assigns `count` units of a test through the real
 * service (fresh module state, fresh connection pool) and prints {unit: variant} as JSON.
 */
import { closeDb } from '@/db/client';
import { assign } from '../assign';
import { flushExposures } from '../exposures';

async function main() {
  const [testId, count] = process.argv.slice(2);
  const out: Record<string, string> = {};
  for (let i = 0; i < Number(count); i++) out[`user-${i}`] = (await assign(testId, `user-${i}`)).variant;
  await flushExposures();
  console.log(JSON.stringify(out));
  await closeDb();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
