import type { ProbeResult } from './schemas';

export const PROBE_TIMEOUT_MS = 1_000;

/** Settles with `promise`, or rejects after `ms`; a late rejection of `promise` is swallowed. */
export async function withTimeout<T>(promise: Promise<T>, ms = PROBE_TIMEOUT_MS): Promise<T> {
  promise.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Times one check. Never throws: an unreachable dependency is a result, not an error. */
export async function probe(check: () => Promise<unknown>, ms = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    await withTimeout(Promise.resolve().then(check), ms);
    return { ok: true, latencyMs: elapsed() };
  } catch (error) {
    return { ok: false, latencyMs: elapsed(), error: describeError(error) };
  }
}

/**
 * A one-line reason. The root cause is what helps (drizzle wraps driver errors as "Failed query: …"), and
 * connection failures (AggregateError from a dual-stack connect) often carry only a code.
 */
export function describeError(error: unknown): string {
  let root = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  if (!(root instanceof Error)) return String(root);
  const code = (root as { code?: unknown }).code;
  return root.message || (typeof code === 'string' ? code : '') || root.name;
}
