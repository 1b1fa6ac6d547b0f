/** Aggregates of judgements for the stage summary and the judge-results view (pure). */
export interface ScoredRow {
  category: string;
  status: 'judged' | 'failed';
  score: number | null;
}

export interface ScoreSummary {
  judged: number;
  failed: number;
  meanScore: number | null;
  /** Counts of scores rounded to 1..10 (index 0 = score 1). */
  histogram: number[];
  categories: Array<{ category: string; count: number; meanScore: number | null; failed: number }>;
}

export function summarizeScores(rows: ScoredRow[]): ScoreSummary {
  const histogram = Array.from({ length: 10 }, () => 0);
  const byCategory = new Map<string, { sum: number; n: number; failed: number }>();
  let sum = 0;
  let judged = 0;
  let failed = 0;
  for (const r of rows) {
    const c = byCategory.get(r.category) ?? { sum: 0, n: 0, failed: 0 };
    byCategory.set(r.category, c);
    if (r.status !== 'judged' || r.score === null) {
      failed++;
      c.failed++;
      continue;
    }
    judged++;
    sum += r.score;
    c.sum += r.score;
    c.n++;
    histogram[Math.min(10, Math.max(1, Math.round(r.score))) - 1]++;
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    judged,
    failed,
    meanScore: judged ? round(sum / judged) : null,
    histogram,
    categories: [...byCategory.entries()]
      .map(([category, c]) => ({ category, count: c.n + c.failed, meanScore: c.n ? round(c.sum / c.n) : null, failed: c.failed }))
      .sort((a, b) => a.category.localeCompare(b.category)),
  };
}
