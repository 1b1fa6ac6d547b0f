import type { ProbeResult } from './summarise';

/** One HTTP probe with a hard timeout; never throws. */
export async function probe(url: string, init: RequestInit & { timeoutMs: number; expectJson?: boolean }): Promise<ProbeResult & { body?: string }> {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs) });
    const body = await res.text();
    const ms = performance.now() - started;
    if (!res.ok) return { ok: false, ms, error: `HTTP ${res.status}` };
    if (init.expectJson) {
      try {
        JSON.parse(body);
      } catch {
        return { ok: false, ms, error: 'answer is not JSON' };
      }
    }
    return { ok: true, ms, body };
  } catch (error) {
    const ms = performance.now() - started;
    const e = error as Error;
    return { ok: false, ms, error: e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${init.timeoutMs} ms` : (e.message ?? 'request failed') };
  }
}

export function probeHealth(baseUrl: string, timeoutMs: number) {
  return probe(`${baseUrl}/health`, { method: 'GET', timeoutMs });
}

/** The smallest useful chat completion: one short user message, a few tokens back. */
export function probeChat(baseUrl: string, model: string, timeoutMs: number) {
  return probe(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'health check: reply OK' }], max_tokens: 4, temperature: 0 }),
    timeoutMs,
    expectJson: true,
  });
}

export async function scrapeMetrics(baseUrl: string, timeoutMs: number): Promise<string | null> {
  const r = await probe(`${baseUrl}/metrics`, { method: 'GET', timeoutMs });
  return r.ok ? (r.body ?? '') : null;
}
