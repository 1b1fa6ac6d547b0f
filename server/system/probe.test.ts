import { describe, expect, it } from 'vitest';
import { probe } from './probe';

describe('probe', () => {
  it('reports success with a latency', async () => {
    const result = await probe(async () => 'pong');
    expect(result.ok).toBe(true);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.error).toBeUndefined();
  });

  it('reports a failure instead of throwing', async () => {
    const err = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    await expect(probe(() => Promise.reject(new Error('connection refused')))).resolves.toMatchObject({ ok: false, error: 'connection refused' });
    await expect(probe(() => Promise.reject(err))).resolves.toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    await expect(probe(() => { throw new Error('sync'); })).resolves.toMatchObject({ ok: false, error: 'sync' });
    const wrapped = new Error('Failed query: select 1', { cause: new Error('connect ENETUNREACH 10.0.0.1:5432') });
    await expect(probe(() => Promise.reject(wrapped))).resolves.toMatchObject({ ok: false, error: 'connect ENETUNREACH 10.0.0.1:5432' });
  });

  it('gives up on a check that hangs', async () => {
    const started = Date.now();
    const result = await probe(() => new Promise(() => {}), 50);
    expect(result).toMatchObject({ ok: false, error: 'timed out after 50 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
