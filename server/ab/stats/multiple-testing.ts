import type { Correction } from './types';

/**
 * Adjusted p-values for a family of tests, returned in the caller's order. Null entries (tests that
 * could not be run) are not part of the family and stay null.
 */

interface Ranked {
  p: number;
  index: number;
}

function ranked(pValues: (number | null)[]): Ranked[] {
  const out: Ranked[] = [];
  pValues.forEach((p, index) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be in [0, 1] (got ${p})`);
    out.push({ p, index });
  });
  // Stable on ties, so equal p-values keep their input order.
  return out.sort((a, b) => a.p - b.p || a.index - b.index);
}

/** Holm–Bonferroni: p̃(i) = max over j ≤ i of min(1, (m − j + 1)·p(j)). Controls the family-wise error rate. */
export function holmAdjust(pValues: (number | null)[]): (number | null)[] {
  const sorted = ranked(pValues);
  const m = sorted.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  sorted.forEach(({ p, index }, i) => {
    running = Math.max(running, Math.min(1, (m - i) * p));
    out[index] = running;
  });
  return out;
}

/** Benjamini–Hochberg: p̃(i) = min over j ≥ i of min(1, m·p(j)/j). Controls the false discovery rate. */
export function benjaminiHochbergAdjust(pValues: (number | null)[]): (number | null)[] {
  const sorted = ranked(pValues);
  const m = sorted.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let i = m - 1; i >= 0; i--) {
    const { p, index } = sorted[i];
    running = Math.min(running, Math.min(1, (m * p) / (i + 1)));
    out[index] = running;
  }
  return out;
}

export function adjustPValues(pValues: (number | null)[], correction: Correction): (number | null)[] {
  if (correction === 'holm') return holmAdjust(pValues);
  if (correction === 'bh') return benjaminiHochbergAdjust(pValues);
  return [...pValues];
}
