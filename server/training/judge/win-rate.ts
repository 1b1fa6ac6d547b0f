import type { JudgeClient } from './client';
import { judgeSamples, type VerdictCache } from './judge';

/**
 * Judge win rate of a candidate model against a baseline (the parent version) on the same prompts:
 * every pair is judged pairwise in both orders (position bias cancelled); the candidate wins a prompt
 * when its debiased preference is above the midpoint 5.5, ties at exactly 5.5 count half.
 * Failed (malformed) judgements are left out of the rate and counted.
 */
export interface WinRateInput {
  client: Pick<JudgeClient, 'judge'>;
  judgeId: string;
  rubric: string;
  items: Array<{ prompt: string; category: string; candidate: string; baseline: string }>;
  concurrency: number;
  cache: VerdictCache;
}

export interface WinRateResult {
  winRate: number | null;
  wins: number;
  ties: number;
  losses: number;
  failed: number;
  byCategory: Record<string, { winRate: number | null; n: number }>;
}

export async function judgeWinRate(input: WinRateInput): Promise<WinRateResult> {
  const samples = input.items.flatMap((it) => [
    { category: it.category, prompt: it.prompt, response: it.candidate, promptId: 'candidate' },
    { category: it.category, prompt: it.prompt, response: it.baseline, promptId: 'baseline' },
  ]);
  const { judgements } = await judgeSamples({ client: input.client, judgeId: input.judgeId, rubric: input.rubric, mode: 'pairwise', samples, concurrency: input.concurrency, cache: input.cache });
  let wins = 0;
  let ties = 0;
  let losses = 0;
  let failed = 0;
  const cats = new Map<string, { points: number; n: number }>();
  for (const j of judgements) {
    if (j.status !== 'judged' || j.score === null) {
      failed++;
      continue;
    }
    // pairSamples keeps each prompt's order: the candidate is the judged `response`, unless the same text was given twice.
    const candidatePreference = j.promptId === 'candidate' ? j.score : 11 - j.score;
    const points = candidatePreference > 5.5 ? 1 : candidatePreference === 5.5 ? 0.5 : 0;
    if (points === 1) wins++;
    else if (points === 0.5) ties++;
    else losses++;
    const c = cats.get(j.category) ?? { points: 0, n: 0 };
    c.points += points;
    c.n++;
    cats.set(j.category, c);
  }
  const n = wins + ties + losses;
  return {
    winRate: n ? (wins + ties / 2) / n : null,
    wins, ties, losses, failed,
    byCategory: Object.fromEntries([...cats].map(([k, c]) => [k, { winRate: c.n ? c.points / c.n : null, n: c.n }])),
  };
}
