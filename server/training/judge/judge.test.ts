import { afterEach, describe, expect, it } from 'vitest';
import { JudgeClient, JudgeUnavailableError, MalformedJudgementError, parseVerdict, retryAfterMs, type JudgeEndpoint } from './client';
import { judgeSamples, memoryCache, pairSamples, type Sample } from './judge';
import { estimateCostUsd } from './pricing';
import { defaultRubric } from './rubrics';
import { startFixtureJudgeServer, type FixtureAction, type FixtureJudgeServer } from './testing/fixture-judge-server';

let fixture: FixtureJudgeServer | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

const ok = (score = 7): FixtureAction => ({ verdict: { score, rationale: `fixture says ${score}` } });

async function setup(script: Parameters<typeof startFixtureJudgeServer>[0], retry: Partial<{ maxRetries: number; timeoutMs: number; baseDelayMs: number }> = {}) {
  fixture = await startFixtureJudgeServer(script);
  const endpoint: JudgeEndpoint = { baseUrl: fixture.baseUrl, apiKey: 'sk-fixture', model: 'gpt-4o-mini', simulated: false };
  const sleeps: number[] = [];
  const client = new JudgeClient(endpoint, { retry: { maxRetries: 3, ...retry }, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
  return { client, sleeps, fixture };
}

const messages = [{ role: 'user' as const, content: 'Question:\nOil interval?\n\nResponse:\nEvery 5k miles.' }];
const rubric = defaultRubric('automotive_service');

describe('JudgeClient against the fixture judge', () => {
  it('sends the structured-output JSON schema and the API key, and returns the verdict with usage', async () => {
    const { client, fixture } = await setup(() => ok(8));
    const r = await client.judge(messages);
    expect(r).toEqual({ verdict: { score: 8, rationale: 'fixture says 8' }, promptTokens: 100, completionTokens: 20 });
    expect(fixture.requests[0].responseFormat).toMatchObject({ type: 'json_schema', json_schema: { name: 'judgement', strict: true, schema: { required: ['score', 'rationale'] } } });
    expect(fixture.requests[0].authorization).toBe('Bearer sk-fixture');
  });

  it('429 then success: waits what retry-after asks, then succeeds', async () => {
    const { client, sleeps } = await setup((_, n) => (n === 1 ? { status: 429, retryAfter: '2' } : ok(6)));
    expect((await client.judge(messages)).verdict.score).toBe(6);
    expect(sleeps).toEqual([2000]);
    expect(client.stats).toMatchObject({ requests: 2, retries: 1 });
  });

  it('honours retry-after-ms and backs off exponentially on 5xx without a hint', async () => {
    const { client, sleeps } = await setup((_, n) => (n === 1 ? { status: 429, retryAfterMs: '250' } : n < 4 ? { status: 503 } : ok()), { baseDelayMs: 100 });
    await client.judge(messages);
    // random() = 0.5 → jitter factor 1: 100·2^1, 100·2^2 for the 2nd and 3rd retries.
    expect(sleeps).toEqual([250, 200, 400]);
  });

  it('429 forever: gives up after the retries with a clear error', async () => {
    const { client, fixture, sleeps } = await setup(() => ({ status: 429, retryAfter: '1' }));
    const err = await client.judge(messages).catch((e) => e);
    expect(err).toBeInstanceOf(JudgeUnavailableError);
    expect(err.message).toMatch(/still answered HTTP 429 after 4 attempts \(3 retries with backoff\); giving up/);
    expect(fixture.requests).toHaveLength(4);
    expect(sleeps).toEqual([1000, 1000, 1000]);
  });

  it('a refused request (401) is not retried', async () => {
    const { client, fixture } = await setup(() => ({ status: 401 }));
    await expect(client.judge(messages)).rejects.toThrow(/refused the request \(HTTP 401/);
    expect(fixture.requests).toHaveLength(1);
  });

  it('malformed JSON is asked again once, then counted as malformed (never guessed)', async () => {
    const once = await setup((_, n) => (n === 1 ? { content: 'Score: 8/10, pretty good' } : ok(5)));
    expect((await once.client.judge(messages)).verdict.score).toBe(5);
    await fixture!.close();
    const twice = await setup(() => ({ content: '{"score": 11, "rationale": "too high"}' }));
    const err = await twice.client.judge(messages).catch((e) => e);
    expect(err).toBeInstanceOf(MalformedJudgementError);
    expect(err.message).toMatch(/score/);
    expect(twice.fixture.requests).toHaveLength(2);
  });

  it('times out a slow answer and retries it', async () => {
    const { client, sleeps } = await setup((_, n) => (n === 1 ? { ...ok(9), delayMs: 1500 } : ok(4)), { timeoutMs: 300 });
    expect((await client.judge(messages)).verdict.score).toBe(4);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up on a judge that always times out', async () => {
    const { client } = await setup(() => ({ ...ok(), delayMs: 1500 }), { timeoutMs: 200, maxRetries: 1 });
    await expect(client.judge(messages)).rejects.toThrow(/still answered timeout after 2 attempts/);
  });
});

describe('judgeSamples', () => {
  const samples: Sample[] = Array.from({ length: 10 }, (_, i) => ({ promptId: `p${i}`, category: i % 2 ? 'sales' : 'service', prompt: `Question ${i}?`, response: `Answer ${i}.` }));

  it('respects the concurrency limit', async () => {
    const { client, fixture } = await setup(() => ({ ...ok(), delayMs: 40 }));
    const r = await judgeSamples({ client, judgeId: 'j', rubric, mode: 'pointwise', samples, concurrency: 3, cache: memoryCache() });
    expect(r.judgements.filter((j) => j.status === 'judged')).toHaveLength(10);
    expect(fixture.maxInFlight).toBeLessThanOrEqual(3);
    expect(fixture.maxInFlight).toBeGreaterThan(1);
  });

  it('answers a repeated question from the cache (same judge, rubric, prompt, response)', async () => {
    const { client, fixture } = await setup(() => ok(6));
    const cache = memoryCache();
    await judgeSamples({ client, judgeId: 'j', rubric, mode: 'pointwise', samples, concurrency: 4, cache });
    expect(fixture.requests).toHaveLength(10);
    const again = await judgeSamples({ client, judgeId: 'j', rubric, mode: 'pointwise', samples, concurrency: 4, cache });
    expect(fixture.requests).toHaveLength(10);
    expect(again.cacheHits).toBe(10);
    expect(again.judgements.every((j) => j.cached && j.score === 6)).toBe(true);
    // Another rubric is another question.
    await judgeSamples({ client, judgeId: 'j', rubric: `${rubric}\nBe strict.`, mode: 'pointwise', samples: samples.slice(0, 2), concurrency: 4, cache });
    expect(fixture.requests).toHaveLength(12);
  });

  it('counts a malformed answer as failed without a score', async () => {
    const { client } = await setup((req) => (req.user.includes('Question 3?') ? { content: 'I think it is fine' } : ok(7)));
    const r = await judgeSamples({ client, judgeId: 'j', rubric, mode: 'pointwise', samples, concurrency: 2, cache: memoryCache() });
    const bad = r.judgements.find((j) => j.promptId === 'p3')!;
    expect(bad).toMatchObject({ status: 'failed', score: null, error: expect.stringMatching(/not JSON/) });
    expect(r.judgements.filter((j) => j.status === 'judged')).toHaveLength(9);
  });

  it('fails the whole run when the judge is rate-limited forever', async () => {
    const { client } = await setup(() => ({ status: 429, retryAfter: '0' }));
    await expect(judgeSamples({ client, judgeId: 'j', rubric, mode: 'pointwise', samples, concurrency: 2, cache: memoryCache() })).rejects.toBeInstanceOf(JudgeUnavailableError);
  });

  it('pairwise: judges both orders and cancels the position bias', async () => {
    const pair: Sample[] = [
      { category: 'ev_charging', prompt: 'Level 2 at home?', response: 'GOOD: a 240 V Level 2 charger adds ~25 miles per hour.' },
      { category: 'ev_charging', prompt: 'Level 2 at home?', response: 'BAD: just use any outlet.' },
    ];
    // A judge biased towards position A by +1: GOOD first → 9, BAD first → 4 (i.e. GOOD gets 7 as B, plus the bias).
    const { client, fixture } = await setup((req) => (/Response A:\nGOOD/.test(req.user) ? ok(9) : ok(4)));
    const r = await judgeSamples({ client, judgeId: 'j', rubric, mode: 'pairwise', samples: pair, concurrency: 2, cache: memoryCache() });
    expect(fixture.requests).toHaveLength(2);
    const orders = fixture.requests.map((q) => (/Response A:\nGOOD/.test(q.user) ? 'good-first' : 'bad-first')).sort();
    expect(orders).toEqual(['bad-first', 'good-first']);
    expect(fixture.requests[0].system).toContain('Compare Response A and Response B');
    const [j] = r.judgements;
    expect(j.response).toMatch(/^GOOD/);
    expect(j.otherResponse).toMatch(/^BAD/);
    expect(j.score).toBe((9 + (11 - 4)) / 2);
    expect(j.otherScore).toBe(11 - 8);
    expect(j.detail).toEqual({ abScore: 9, baScore: 4, positionBias: 2 });
  });
});

describe('helpers', () => {
  it('parseVerdict accepts only {score 1–10 integer, rationale}', () => {
    expect(parseVerdict('```json\n{"score": 3, "rationale": "meh"}\n```')).toEqual({ verdict: { score: 3, rationale: 'meh' } });
    expect(parseVerdict('{"score": 7.5, "rationale": "x"}')).toHaveProperty('problem');
    expect(parseVerdict('{"score": 7}')).toHaveProperty('problem');
    expect(parseVerdict('seven')).toHaveProperty('problem');
  });
  it('redacts anything that looks like an API key from error texts', async () => {
    const { redactKeys } = await import('./client');
    expect(redactKeys('Incorrect API key provided: sk-proj-abc1****wxyz. You can find…')).toBe('Incorrect API key provided: [redacted key]. You can find…');
  });
  it('retryAfterMs reads seconds, HTTP dates and retry-after-ms', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '120' }))).toBe(120);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(new Headers())).toBeNull();
  });
  it('pairs responses per prompt, odd one out with the first', () => {
    const s = (p: string, r: string): Sample => ({ category: 'c', prompt: p, response: r });
    expect(pairSamples([s('a', '1'), s('a', '2'), s('a', '3'), s('b', '1')]).map(([x, y]) => `${x.prompt}${x.response}-${y.response}`)).toEqual(['a1-2', 'a3-1']);
  });
  it('estimates cost from the price table, null for unknown models, 0 when simulated', () => {
    expect(estimateCostUsd('gpt-4o-mini', 1_000_000, 1_000_000)).toBeCloseTo(0.75, 6);
    expect(estimateCostUsd('gpt-4o-mini-2024-07-18', 1_000_000, 0)).toBeCloseTo(0.15, 6);
    expect(estimateCostUsd('llama-judge', 10, 10)).toBeNull();
    expect(estimateCostUsd('gpt-4o', 10, 10, true)).toBe(0);
  });
});

describe('judgeWinRate', () => {
  it('counts the candidate’s debiased wins, ties and losses against the baseline', async () => {
    const { judgeWinRate } = await import('./win-rate');
    // The judge prefers whichever response says "detailed"; between two equally good ones it always leans to position A (6),
    // which the two orders cancel into a tie.
    const { client } = await setup((req) => {
      const a = /Response A:\n([^\n]*)/.exec(req.user)![1];
      const b = /Response B:\n([^\n]*)/.exec(req.user)![1];
      const score = a.includes('detailed') === b.includes('detailed') ? 6 : a.includes('detailed') ? 9 : 2;
      return ok(score);
    });
    const r = await judgeWinRate({
      client, judgeId: 'j', rubric, concurrency: 4, cache: memoryCache(),
      items: [
        { prompt: 'P1', category: 'sales', candidate: 'detailed answer', baseline: 'short' },
        { prompt: 'P2', category: 'sales', candidate: 'detailed reply', baseline: 'brief' },
        { prompt: 'P3', category: 'service', candidate: 'short', baseline: 'detailed answer' },
        { prompt: 'P4', category: 'service', candidate: 'x', baseline: 'y' },
      ],
    });
    expect(r).toMatchObject({ wins: 2, losses: 1, ties: 1, failed: 0 });
    expect(r.winRate).toBeCloseTo(2.5 / 4, 10);
    expect(r.byCategory).toEqual({ sales: { winRate: 1, n: 2, wins: 2, ties: 0, losses: 0 }, service: { winRate: 0.25, n: 2, wins: 0, ties: 1, losses: 1 } });
    expect(r).toMatchObject({ calls: 8, cacheHits: 0 });
  });
});
