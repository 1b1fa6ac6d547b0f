// EXPERIMENT (not committed): assignment load against the API process only, with an optional strace.
import { spawn } from 'node:child_process';
import { closeDb } from '@/db/client';
import { systemActor } from '@/server/auth/actor';
import { createApiKey } from '@/server/auth/api-keys';
import { benchEnvironment, startApiServer } from './lib/environment';
import { benchFamily, startedTest } from './lib/ab-test';
import { autocannon } from './lib/autocannon';

async function main() {
  const env = await benchEnvironment();
  const meta = { actor: systemActor, requestId: 'exp' };
  const { key } = await createApiKey(meta, { name: 'exp', role: 'ml_engineer' });
  const api = await startApiServer(3555);
  const family = await benchFamily('exp-ab');
  const test = await startedTest(family.slug, 'assign', [{ name: 'converted', kind: 'binomial', role: 'primary', direction: 'increase' }]);
  const UNITS = 20_000;
  const paths = Array.from({ length: UNITS }, (_, i) => ({ path: `/api/v1/ab-tests/${test.id}/assign?unit=user-${i}` }));
  const load = async (duration: number) => {
    const parts = await Promise.all(Array.from({ length: 10 }, (_, c) => autocannon({ url: api.url, connections: 1, duration, headers: { authorization: `Bearer ${key}` }, requests: [...paths.slice(c * 2000), ...paths.slice(0, c * 2000)] })));
    return Math.round(parts.reduce((s, p) => s + p.requests.average, 0));
  };
  if (process.env.HOLD) { console.log('READY', api.url, key, test.id, process.pid); await new Promise((r) => setTimeout(r, Number(process.env.HOLD))); }
  await load(2);
  for (let i = 0; i < Number(process.env.ROUNDS ?? 2); i++) console.log('api req/s', await load(4));
  if (process.env.STRACE) {
    const pid = (await (await fetch(`${api.url}/api/v1/health`)).text(), Number(require('node:child_process').execSync(`pgrep -f "API_PORT|.build/api/main.js" | head -1`).toString()));
    const st = spawn('strace', ['-c', '-f', '-o', process.env.STRACE, '-p', String(pid)], { stdio: 'inherit' });
    await new Promise((r) => setTimeout(r, 1000));
    console.log('under strace req/s', await load(4));
    st.kill('SIGINT');
    await new Promise((r) => st.once('exit', r));
  }
  await api.stop();
  await closeDb();
  await env.drop();
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
