/**
 * A keep-alive connection the API server closed while it sat idle (servers drop idle connections after a
 * few seconds; Node's own default is 5 s) can be picked for the next request just as it closes: that
 * request fails with ECONNRESET or EPIPE before any answer, and the pool opens a fresh connection for the
 * next one. So a request that is safe to repeat (a read, a server-side apply: repeating it changes nothing,
 * whether or not the first one got through) is sent once more. Seen as a failed Job dispatch under load:
 * the next stage's Job waited for the 5 s safety net.
 */
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Whether `error` is a connection dropped before any response (no HTTP status came back). */
export function isStaleConnection(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && STALE_CONNECTION_CODES.has(e.code)) return true;
  }
  return false;
}

/** Runs `request`, and once more when it failed on a stale connection. Only for requests safe to repeat. */
export async function retryStaleConnection<R>(request: () => Promise<R>): Promise<R> {
  try {
    return await request();
  } catch (error) {
    if (!isStaleConnection(error)) throw error;
    return request();
  }
}
