import { describe, expect, it } from 'vitest';
import { judge as simulatedJudge } from '@/server/cluster/sim/model-server/judge-scoring';
import { generateAnswer } from '@/server/cluster/sim/model-server/text';
import { builtInPrompts } from '../prompts/builtin';
import type { ChatMessage } from './client';
import { memoryCache } from './judge';
import { judgeWinRate, summarizeWinRate } from './win-rate';

const j = (promptId: string, category: string, score: number | null) => ({ promptId, category, score, status: score === null ? ('failed' as const) : ('judged' as const) });

describe('summarizeWinRate', () => {
  it('orients every preference towards the candidate, counts ties half, leaves failures out', () => {
    const r = summarizeWinRate([
      j('candidate', 'sales', 8), // candidate preferred
      j('baseline', 'sales', 8), // pair came out baseline-first: the baseline was preferred
      j('candidate', 'ev', 5.5), // tie
      j('candidate', 'ev', null), // malformed
      j('baseline', 'ev', 2), // baseline-first, baseline lost → candidate wins
    ]);
    expect(r).toMatchObject({ wins: 2, ties: 1, losses: 1, failed: 1 });
    expect(r.winRate).toBeCloseTo(2.5 / 4, 10);
    expect(r.byCategory).toEqual({
      ev: { winRate: 0.75, n: 2, wins: 1, ties: 1, losses: 0 },
      sales: { winRate: 0.5, n: 2, wins: 1, ties: 0, losses: 1 },
    });
  });

  it('has no rate (null, not 0) when nothing could be judged', () => {
    expect(summarizeWinRate([j('candidate', 'sales', null)])).toMatchObject({ winRate: null, wins: 0, failed: 1, byCategory: {} });
  });
});

describe('judgeWinRate with the simulated judge (FIXTURE) and simulated models', () => {
  // The simulated judge in process, in place of the HTTP client: the same content it would receive.
  const client = {
    judge: async (messages: ChatMessage[]) => ({ verdict: simulatedJudge(messages.find((m) => m.role === 'user')!.content), promptTokens: 0, completionTokens: 0 }),
  };
  const rateOf = async (candidateQuality: number, parentQuality: number) =>
    judgeWinRate({
      client, judgeId: 'sim', rubric: 'r', concurrency: 8, cache: memoryCache(),
      items: builtInPrompts.map((p) => ({ prompt: p.prompt, category: p.category, candidate: generateAnswer(p.prompt, 'candidate', candidateQuality), baseline: generateAnswer(p.prompt, 'parent', parentQuality) })),
    });

  it('gives a better model a higher win rate against the same parent, deterministically', async () => {
    const worse = await rateOf(0.6, 0.7);
    const same = await rateOf(0.7, 0.7);
    const better = await rateOf(0.8, 0.7);
    expect(worse.winRate!).toBeLessThan(same.winRate!);
    expect(same.winRate!).toBeLessThan(better.winRate!);
    expect(better.winRate!).toBeGreaterThan(0.5);
    expect(worse.winRate!).toBeLessThan(0.5);
    // Close models tie on some prompts; nothing fails with the simulated judge.
    expect(same.ties).toBeGreaterThan(0);
    expect(same.failed).toBe(0);
    expect((await rateOf(0.8, 0.7)).winRate).toBe(better.winRate);
    expect(Object.keys(better.byCategory).sort()).toEqual(['ev_charging', 'financing', 'parts', 'sales', 'service', 'warranty']);
  });

  it('judges identical answers as ties in both orders (the position bias cancels)', async () => {
    const r = await judgeWinRate({ client, judgeId: 'sim', rubric: 'r', concurrency: 2, cache: memoryCache(), items: [{ prompt: 'Is a yellow engine light urgent?', category: 'service', candidate: 'Have it scanned soon.', baseline: 'Have it scanned soon.' }] });
    expect(r).toMatchObject({ wins: 0, ties: 1, losses: 0, winRate: 0.5 });
  });
});
