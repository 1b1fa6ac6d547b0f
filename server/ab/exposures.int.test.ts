import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testApiKey } from '@/test/fixtures';
import { client } from '@/test/rest-client';
import { exposureReconciliation, familyWithVersions, testBody } from './testing/fixtures';

const root = path.resolve(__dirname, '../..');
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

/** The dedicated API process (`npm run api`) on a free port; resolves with its URL once it listens. */
function startApiProcess(extraEnv: Record<string, string> = {}): Promise<{ url: string; child: ReturnType<typeof spawn>; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/http/main.ts'], { cwd: root, env: { ...process.env, API_PORT: '0', ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/api server ready at (http:\/\/\S+)\/api\/v1/);
      if (match) resolve({ url: match[1], child, exited });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`api process exited (${code}) before listening:\n${out}`)));
  });
}

describe('exposures written behind the assignment', () => {
  it('are answered before they are written, and all stored when the API process is stopped with SIGTERM', async () => {
    const family = await familyWithVersions();
    const pm = await testApiKey('product_manager');
    // A flush interval far longer than the test: only the shutdown flush can write these exposures.
    const api = await startApiProcess({ AB_EXPOSURE_FLUSH_MS: '60000' });
    const call = client(api.url, pm);
    const test = (await call('POST', '/ab-tests', testBody(family.slug))).body as { id: string };
    expect((await call('POST', `/ab-tests/${test.id}/start`)).status).toBe(200);

    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => call('GET', `/ab-tests/${test.id}/assign?unit=sigterm-${i}`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await exposureReconciliation(test.id)).reduce((sum, c) => sum + c.rows, 0)).toBe(0);
    // The process's own Prometheus metrics count every assignment it served.
    const metrics = await (await fetch(`${api.url}/api/metrics`)).text();
    const counted = [...metrics.matchAll(new RegExp(`nw_ab_assignments_total\\{test="${test.id}",variant="[^"]+"\\} (\\d+)`, 'g'))].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(counted).toBe(300);
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);

    const counts = await exposureReconciliation(test.id);
    expect(counts.reduce((sum, c) => sum + c.rows, 0)).toBe(300);
    expect(counts.every((c) => c.counted === c.rows)).toBe(true);
    for (const c of counts) expect(c.rows).toBe(answers.filter((a) => a.body.variant === c.variant).length);
  });
});
