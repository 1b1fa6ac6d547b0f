import { createHash } from 'node:crypto';
import type { JudgeMode } from '../config';
import { JudgeUnavailableError, MalformedJudgementError, type ChatMessage, type JudgeClient, type Verdict } from './client';
import { slots } from '../slots';
import { PAIRWISE_INSTRUCTIONS as PAIRWISE, POINTWISE_INSTRUCTIONS as POINTWISE } from './rubrics';

/**
 * Judging a set of samples (DB-free; ./feedback-stage.ts persists): pointwise scores each response
 * 1–10; pairwise compares two responses to the same prompt in both orders (A/B, then B/A) and averages
 * the preference, cancelling the judge's position bias. Calls run under a concurrency limit and go
 * through a verdict cache keyed by sha256(judge, rubric, mode, prompt, response[s], order).
 */
export interface Sample {
  promptId?: string | null;
  category: string;
  prompt: string;
  response: string;
}

export interface Judgement {
  sampleKey: string;
  promptId: string | null;
  category: string;
  prompt: string;
  response: string;
  otherResponse: string | null;
  status: 'judged' | 'failed';
  score: number | null;
  otherScore: number | null;
  rationale: string | null;
  error: string | null;
  /** Every verdict it needed came from the cache. */
  cached: boolean;
  detail: Record<string, unknown>;
}

export interface VerdictCache {
  get(key: string): Promise<Verdict | null>;
  set(key: string, verdict: Verdict): Promise<void>;
}

export function memoryCache(): VerdictCache & { map: Map<string, Verdict> } {
  const map = new Map<string, Verdict>();
  return { map, get: async (k) => map.get(k) ?? null, set: async (k, v) => void map.set(k, v) };
}

export interface JudgeRunOptions {
  client: Pick<JudgeClient, 'judge'>;
  /** Stable identity of the judge for the cache: model + endpoint ("simulated:<model>" for the simulator). */
  judgeId: string;
  rubric: string;
  mode: JudgeMode;
  samples: Sample[];
  concurrency: number;
  cache: VerdictCache;
  /** Called as each judgement completes (persist incrementally). */
  onJudgement?: (j: Judgement) => Promise<void>;
}

export interface JudgeRunResult {
  judgements: Judgement[];
  cacheHits: number;
  calls: number;
}

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

export function cacheKey(judgeId: string, rubric: string, mode: JudgeMode, prompt: string, response: string, other?: string): string {
  return sha256({ judgeId, rubric, mode, prompt, response, other: other ?? null });
}

export function sampleKey(prompt: string, response: string, other?: string | null): string {
  return sha256([prompt, response, other ?? null]);
}

export function pointwiseMessages(rubric: string, prompt: string, response: string): ChatMessage[] {
  return [
    { role: 'system', content: `${rubric}\n\n${POINTWISE}` },
    { role: 'user', content: `Question:\n${prompt}\n\nResponse:\n${response}` },
  ];
}

export function pairwiseMessages(rubric: string, prompt: string, a: string, b: string): ChatMessage[] {
  return [
    { role: 'system', content: `${rubric}\n\n${PAIRWISE}` },
    { role: 'user', content: `Question:\n${prompt}\n\nResponse A:\n${a}\n\nResponse B:\n${b}` },
  ];
}

/** Pairs responses to the same prompt: (r1, r2), (r3, r4)…; an odd one out is paired with r1. */
export function pairSamples(samples: Sample[]): Array<[Sample, Sample]> {
  const byPrompt = new Map<string, Sample[]>();
  for (const s of samples) byPrompt.set(s.prompt, [...(byPrompt.get(s.prompt) ?? []), s]);
  const pairs: Array<[Sample, Sample]> = [];
  for (const group of byPrompt.values()) {
    for (let i = 0; i + 1 < group.length; i += 2) pairs.push([group[i], group[i + 1]]);
    if (group.length % 2 === 1 && group.length > 1) pairs.push([group[group.length - 1], group[0]]);
  }
  return pairs;
}

export async function judgeSamples(opts: JudgeRunOptions): Promise<JudgeRunResult> {
  const limit = slots(Math.max(1, opts.concurrency));
  let cacheHits = 0;
  let calls = 0;
  let unavailable: JudgeUnavailableError | null = null;

  /** One verdict: from the cache, or one (retried) call. */
  async function verdict(key: string, messages: ChatMessage[]): Promise<{ verdict: Verdict; cached: boolean }> {
    const hit = await opts.cache.get(key);
    if (hit) {
      cacheHits++;
      return { verdict: hit, cached: true };
    }
    return limit(async () => {
      if (unavailable) throw unavailable;
      calls++;
      const { verdict: v } = await opts.client.judge(messages);
      await opts.cache.set(key, v);
      return { verdict: v, cached: false };
    });
  }

  const base = (s: Sample, other: string | null) => ({
    sampleKey: sampleKey(s.prompt, s.response, other), promptId: s.promptId ?? null, category: s.category, prompt: s.prompt, response: s.response, otherResponse: other,
  });
  const failed = (s: Sample, other: string | null, error: unknown): Judgement => ({
    ...base(s, other), status: 'failed', score: null, otherScore: null, rationale: null, error: (error as Error).message, cached: false,
    detail: error instanceof MalformedJudgementError ? { answer: error.answer } : {},
  });

  const tasks: Array<() => Promise<Judgement>> =
    opts.mode === 'pointwise'
      ? opts.samples.map((s) => async () => {
          const key = cacheKey(opts.judgeId, opts.rubric, 'pointwise', s.prompt, s.response);
          const { verdict: v, cached } = await verdict(key, pointwiseMessages(opts.rubric, s.prompt, s.response));
          return { ...base(s, null), status: 'judged', score: v.score, otherScore: null, rationale: v.rationale, error: null, cached, detail: {} };
        })
      : pairSamples(opts.samples).map(([a, b]) => async () => {
          const ab = cacheKey(opts.judgeId, opts.rubric, 'pairwise', a.prompt, a.response, b.response);
          const ba = cacheKey(opts.judgeId, opts.rubric, 'pairwise', a.prompt, b.response, a.response);
          const [first, second] = await Promise.all([
            verdict(ab, pairwiseMessages(opts.rubric, a.prompt, a.response, b.response)),
            verdict(ba, pairwiseMessages(opts.rubric, a.prompt, b.response, a.response)),
          ]);
          // Preference for `a`: as A in the first order, as B (11 − score) in the second; the mean cancels position bias.
          const preference = (first.verdict.score + (11 - second.verdict.score)) / 2;
          return {
            ...base(a, b.response), status: 'judged', score: preference, otherScore: 11 - preference,
            rationale: `A/B: ${first.verdict.rationale} | B/A: ${second.verdict.rationale}`, error: null, cached: first.cached && second.cached,
            detail: { abScore: first.verdict.score, baScore: second.verdict.score, positionBias: first.verdict.score - (11 - second.verdict.score) },
          };
        });

  const judgements: Judgement[] = [];
  const samplesOf = opts.mode === 'pointwise' ? opts.samples.map((s) => [s, null] as const) : pairSamples(opts.samples).map(([a, b]) => [a, b.response] as const);
  await Promise.all(
    tasks.map(async (task, i) => {
      let j: Judgement;
      try {
        j = await task();
      } catch (error) {
        if (error instanceof JudgeUnavailableError) {
          unavailable ??= error;
          return;
        }
        if (unavailable) return;
        j = failed(samplesOf[i][0], samplesOf[i][1], error);
      }
      judgements.push(j);
      await opts.onJudgement?.(j);
    }),
  );
  if (unavailable) throw unavailable;
  return { judgements, cacheHits, calls };
}
