import type { JudgeClient } from './client';
import { judgeSamples, type Judgement, type VerdictCache } from './judge';

/**
 * Judge win rate of a candidate model against a baseline (the parent version) on the same prompts:
 * every pair is judged pairwise in both orders (position bias cancelled); the candidate wins a prompt
 * when its debiased preference is above the midpoint 5.5, ties at exactly 5.5 count half.
 * Failed (malformed) judgements are left out of the rate and counted.
 */
export interface WinRateItem {
  promptId?: string | null;
  prompt: string;
  category: string;
  candidate: string;
  baseline: string;
}

export interface WinRateInput {
  client: Pick<JudgeClient, 'judge'>;
  judgeId: string;
  rubric: string;
  items: WinRateItem[];
  concurrency: number;
  cache: VerdictCache;
}

export interface WinRateCounts {
  winRate: number | null;
  wins: number;
  ties: number;
  losses: number;
}

export interface WinRateResult extends WinRateCounts {
  failed: number;
  byCategory: Record<string, WinRateCounts & { n: number }>;
  cacheHits: number;
  calls: number;
}

/** The sample's `promptId` says which side it is; the prompt's own id is not needed to pair (pairSamples pairs by prompt text). */
const CANDIDATE = 'candidate';

export async function judgeWinRate(input: WinRateInput): Promise<WinRateResult> {
  const samples = input.items.flatMap((it) => [
    { category: it.category, prompt: it.prompt, response: it.candidate, promptId: CANDIDATE },
    { category: it.category, prompt: it.prompt, response: it.baseline, promptId: 'baseline' },
  ]);
  const { judgements, cacheHits, calls } = await judgeSamples({ client: input.client, judgeId: input.judgeId, rubric: input.rubric, mode: 'pairwise', samples, concurrency: input.concurrency, cache: input.cache });
  return { ...summarizeWinRate(judgements), cacheHits, calls };
}

const rate = (wins: number, ties: number, losses: number) => {
  const n = wins + ties + losses;
  return n ? (wins + ties / 2) / n : null;
};

/** Wins, ties and losses of the candidate over pairwise judgements of (candidate, baseline) pairs (pure). */
export function summarizeWinRate(judgements: Array<Pick<Judgement, 'status' | 'score' | 'promptId' | 'category'>>): Omit<WinRateResult, 'cacheHits' | 'calls'> {
  let failed = 0;
  const total = { wins: 0, ties: 0, losses: 0 };
  const cats = new Map<string, { wins: number; ties: number; losses: number }>();
  for (const j of judgements) {
    if (j.status !== 'judged' || j.score === null) {
      failed++;
      continue;
    }
    // pairSamples keeps each prompt's order: the candidate is the judged `response`, unless the same text was given twice.
    const preference = j.promptId === CANDIDATE ? j.score : 11 - j.score;
    const key = preference > 5.5 ? 'wins' : preference === 5.5 ? 'ties' : 'losses';
    total[key]++;
    const c = cats.get(j.category) ?? { wins: 0, ties: 0, losses: 0 };
    c[key]++;
    cats.set(j.category, c);
  }
  return {
    winRate: rate(total.wins, total.ties, total.losses),
    ...total,
    failed,
    byCategory: Object.fromEntries(
      [...cats].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => [k, { winRate: rate(c.wins, c.ties, c.losses), n: c.wins + c.ties + c.losses, ...c }]),
    ),
  };
}
