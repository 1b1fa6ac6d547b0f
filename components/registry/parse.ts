/** Parsers for the free-text parts of the version forms; each returns a value or a message for the field. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const METRIC_NAME = /^[A-Za-z0-9_.\-/]{1,64}$/;

/**
 * `accuracy=0.91` lines (also `:` as separator, `#` comments, blank lines) → `{ accuracy: 0.91 }`.
 * Empty text → undefined (inherit the parent's metrics).
 */
export function parseMetrics(text: string): Parsed<Record<string, number> | undefined> {
  const out: Record<string, number> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(\S+)$/.exec(line);
    if (!m) return { ok: false, error: `line ${i + 1}: write name=value, e.g. accuracy=0.91` };
    const [, name, raw] = m;
    if (!METRIC_NAME.test(name)) return { ok: false, error: `line ${i + 1}: "${name}" is not a metric name (letters, digits, _ . - /)` };
    const value = Number(raw);
    if (!Number.isFinite(value)) return { ok: false, error: `line ${i + 1}: "${raw}" is not a number` };
    if (name in out) return { ok: false, error: `line ${i + 1}: "${name}" appears twice` };
    out[name] = value;
  }
  return { ok: true, value: Object.keys(out).length ? out : undefined };
}

/** A JSON object (config); empty text → undefined (inherit the parent's config). */
export function parseConfig(text: string): Parsed<Record<string, unknown> | undefined> {
  if (!text.trim()) return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'must be a JSON object, e.g. {"lora_r": 16}' };
  return { ok: true, value: value as Record<string, unknown> };
}

/** "a, b ,c" → ["a","b","c"]; empty → undefined. */
export function parseTags(text: string): string[] | undefined {
  const tags = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return tags.length ? [...new Set(tags)] : undefined;
}

/** A compact, readable rendering of any config value for tables. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** 0.91234 → "0.9123", 12345.6 → "12,345.6"; keeps small numbers legible. */
export function formatMetric(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs !== 0 && abs < 0.001) return n.toExponential(2);
  if (abs >= 1000) return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return String(Number(n.toPrecision(4)));
}

/** Signed change: "+0.0123", "−1.5". */
export function formatSigned(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '−'}${formatMetric(Math.abs(n))}`;
}

/** Signed percent: "+4.2 %", "−12 %". */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  if (ratio === 0) return '0 %';
  const pct = Math.abs(ratio * 100);
  const text = pct >= 100 ? pct.toFixed(0) : pct >= 10 ? pct.toFixed(1) : pct.toFixed(2);
  return `${ratio > 0 ? '+' : '−'}${text} %`;
}
