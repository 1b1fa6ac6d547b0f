/** Number formatting for the plain-English reasons a product manager reads. */

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 0.0423 → "+4.2%". One decimal is the precision a lift is discussed at; tiny lifts keep two. */
export function formatLift(x: number): string {
  const pct = x * 100;
  const digits = Math.abs(pct) < 1 ? 2 : 1;
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '';
  return `${sign}${Math.abs(pct).toFixed(digits)}%`;
}

export function formatShare(x: number): string {
  return `${Number((x * 100).toFixed(1))}%`;
}

export function formatPValue(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p.toFixed(3)}`;
}

export function formatNumber(x: number): string {
  return Number(x.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}
