/**
 * Reads the few vLLM metrics the monitor needs from Prometheus text format, and turns two scrapes of
 * cumulative counters into interval figures (latency quantiles like histogram_quantile, error rate,
 * tokens per second).
 */

export interface ServerSample {
  /** Cumulative count per `le` bucket of vllm:e2e_request_latency_seconds (le in seconds, +Inf last). */
  buckets: Array<[number, number]>;
  generationTokens: number;
  chatRequests: number;
  chatErrors: number;
  /** Wall-clock ms of the scrape. */
  at: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+([^\s]+)/;

function labelsOf(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2];
  return out;
}

export function parseServerMetrics(text: string, at: number): ServerSample {
  const buckets = new Map<number, number>();
  let generationTokens = 0;
  let chatRequests = 0;
  let chatErrors = 0;
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const [, name, , rawLabels, rawValue] = m;
    const value = Number(rawValue);
    if (!Number.isFinite(value) && rawValue !== '+Inf') continue;
    if (name === 'vllm:e2e_request_latency_seconds_bucket') {
      const le = labelsOf(rawLabels).le;
      const bound = le === '+Inf' ? Infinity : Number(le);
      if (!Number.isNaN(bound)) buckets.set(bound, (buckets.get(bound) ?? 0) + value);
    } else if (name === 'vllm:generation_tokens_total') {
      generationTokens += value;
    } else if (name === 'http_requests_total') {
      const l = labelsOf(rawLabels);
      if (l.handler !== '/v1/chat/completions') continue;
      chatRequests += value;
      if (/^5/.test(l.status ?? '')) chatErrors += value;
    }
  }
  return { buckets: [...buckets].sort((a, b) => a[0] - b[0]), generationTokens, chatRequests, chatErrors, at };
}

/** `current - previous` per counter (a restarted server, whose counters went down, counts from zero). */
export function diffSamples(current: ServerSample, previous: ServerSample | undefined): ServerSample {
  if (!previous || current.chatRequests < previous.chatRequests || current.generationTokens < previous.generationTokens) return current;
  const prev = new Map(previous.buckets);
  return {
    buckets: current.buckets.map(([le, n]) => [le, Math.max(0, n - (prev.get(le) ?? 0))]),
    generationTokens: current.generationTokens - previous.generationTokens,
    chatRequests: current.chatRequests - previous.chatRequests,
    chatErrors: Math.max(0, current.chatErrors - previous.chatErrors),
    at: current.at,
  };
}

/** Sums interval samples of several pods. */
export function sumSamples(samples: ServerSample[]): Omit<ServerSample, 'at'> {
  const buckets = new Map<number, number>();
  let generationTokens = 0;
  let chatRequests = 0;
  let chatErrors = 0;
  for (const s of samples) {
    for (const [le, n] of s.buckets) buckets.set(le, (buckets.get(le) ?? 0) + n);
    generationTokens += s.generationTokens;
    chatRequests += s.chatRequests;
    chatErrors += s.chatErrors;
  }
  return { buckets: [...buckets].sort((a, b) => a[0] - b[0]), generationTokens, chatRequests, chatErrors };
}

/** Prometheus' histogram_quantile over cumulative buckets: linear within the bucket; null without data. */
export function histogramQuantile(q: number, buckets: Array<[number, number]>): number | null {
  if (buckets.length === 0) return null;
  const total = buckets[buckets.length - 1][1];
  if (!(total > 0)) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Infinity) return prevBound;
      if (count === prevCount) return bound;
      return prevBound + ((bound - prevBound) * (rank - prevCount)) / (count - prevCount);
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}
