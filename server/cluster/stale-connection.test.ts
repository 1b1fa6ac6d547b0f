import { describe, expect, it } from 'vitest';
import { isStaleConnection, retryStaleConnection } from './stale-connection';

/** What node-fetch (under @kubernetes/client-node) rejects with when a reused socket was closed. */
const fetchError = (code: string) => Object.assign(new Error(`request to https://127.0.0.1:6443/api failed, reason: read ${code}`), { type: 'system', code, errno: code });

describe('a request on a stale keep-alive connection', () => {
  it('is recognised by its code, also as the cause of a wrapping error', () => {
    expect(isStaleConnection(fetchError('ECONNRESET'))).toBe(true);
    expect(isStaleConnection(fetchError('EPIPE'))).toBe(true);
    expect(isStaleConnection(new Error('wrapped', { cause: fetchError('ECONNRESET') }))).toBe(true);
    expect(isStaleConnection(fetchError('ECONNREFUSED'))).toBe(false);
    expect(isStaleConnection(Object.assign(new Error('Forbidden'), { code: 403 }))).toBe(false);
    expect(isStaleConnection(undefined)).toBe(false);
  });

  it('is sent once more, and its second answer counts', async () => {
    let calls = 0;
    const answer = await retryStaleConnection(async () => {
      if (++calls === 1) throw fetchError('ECONNRESET');
      return 'applied';
    });
    expect({ answer, calls }).toEqual({ answer: 'applied', calls: 2 });
  });

  it('is not sent a third time, and other failures are not repeated at all', async () => {
    let calls = 0;
    await expect(retryStaleConnection(async () => { calls++; throw fetchError('EPIPE'); })).rejects.toMatchObject({ code: 'EPIPE' });
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryStaleConnection(async () => { calls++; throw fetchError('ECONNREFUSED'); })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(calls).toBe(1);
  });
});
