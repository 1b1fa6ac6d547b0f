/** An audit summary `{ role: { from: 'viewer', to: 'admin' }, disabled: true }` as compact key: value pairs. */
export function AuditSummary({ summary }: { summary: Record<string, unknown> }) {
  const entries = Object.entries(summary ?? {});
  if (!entries.length) return <span className="muted">—</span>;
  return (
    <span className="kv-list">
      {entries.map(([k, v]) => (
        <span className="kv" key={k}>
          <span className="kv-key">{k}:</span> <SummaryValue value={v} />
        </span>
      ))}
    </span>
  );
}

const MAX_CHARS = 80;

/** Long values (descriptions, notes) are cut to one short line; the full text is in the tooltip. */
function SummaryValue({ value }: { value: unknown }) {
  const text = formatValue(value);
  if (text.length <= MAX_CHARS) return <span className="kv-value">{text}</span>;
  return (
    <span className="kv-value" title={text}>
      {text.slice(0, MAX_CHARS - 1)}…
    </span>
  );
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 2 && 'from' in o && 'to' in o) return `${formatValue(o.from)} → ${formatValue(o.to)}`;
    return keys.map((k) => `${k}=${formatValue(o[k])}`).join(' ');
  }
  return String(v);
}
