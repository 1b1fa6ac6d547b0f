import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { trainingFeedbackRuns, trainingJudgements } from '@/db/schema/training-feedback';
import { createCallerFactory, createInnerTRPCContext, createTRPCRouter } from '@/server/api/trpc';
import { pipelineConfigSchema } from '../config';
import { JudgeUnavailableError, type JudgeEndpoint } from './client';
import { closeSimulatedJudge, resolveJudgeEndpoint } from './endpoint';
import { runFeedbackStage } from './feedback-stage';
import { getJudgeResults } from './results';
import { trainingJudgeRouter } from './router';
import { startFixtureJudgeServer, type FixtureJudgeServer } from './testing/fixture-judge-server';

let fixture: FixtureJudgeServer | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});
afterAll(() => closeSimulatedJudge());

const config = (judge: Record<string, unknown> = {}) =>
  pipelineConfigSchema.parse({
    family: { mode: 'existing', ref: 'sales-bot' }, baseModel: 'mistral-7b', specialization: 'automotive_sales',
    dataset: { kind: 'uri', uri: 'file:///d.jsonl' }, rlaif: { judge: { concurrency: 3, ...judge } },
  });

const samples = [
  { prompt: 'Compact SUV or sedan for 60 highway miles a day?', response: 'A midsize sedan: better highway mileage; an SUV if you need cargo.', category: 'sales' },
  { prompt: 'Lease or finance at 15k miles a year?', response: 'Finance; 15k miles exceeds most lease allowances.', category: 'financing' },
  { prompt: 'Is a yellow engine light urgent?', response: 'Not an emergency, but have it scanned soon.', category: 'service' },
];

async function fixtureEndpoint(script: Parameters<typeof startFixtureJudgeServer>[0]): Promise<JudgeEndpoint> {
  fixture = await startFixtureJudgeServer(script);
  return { baseUrl: fixture.baseUrl, apiKey: 'sk-fixture', model: 'gpt-4o-mini', simulated: false };
}

describe('feedback stage', () => {
  it('judges, stores judgements per pipeline, records usage and cost; a re-run hits the cache and duplicates nothing', async () => {
    const pipelineId = randomUUID();
    const endpoint = await fixtureEndpoint((req) => ({ verdict: { score: req.user.includes('engine light') ? 4 : 8, rationale: 'fixture' } }));
    const logs: string[] = [];
    const { summary } = await runFeedbackStage({ pipelineId, config: config(), samples, log: (l) => void logs.push(l), endpoint, clientOptions: { sleep: async () => undefined } });
    expect(summary).toMatchObject({
      judged: 3, failed: 0, meanScore: 6.67, requests: 3, retries: 0, cacheHits: 0, usage: { promptTokens: 300, completionTokens: 60 },
      judge: { model: 'gpt-4o-mini', simulated: false }, mode: 'pointwise', simulatedResponses: false,
    });
    expect(summary.estimatedCostUsd).toBeCloseTo((300 * 0.15 + 60 * 0.6) / 1e6, 12);
    expect(summary.histogram[3]).toBe(1);
    expect(summary.histogram[7]).toBe(2);
    expect(fixture!.requests[0].system).toContain('automotive sales assistant');

    const again = await runFeedbackStage({ pipelineId, config: config(), samples, log: () => undefined, endpoint, clientOptions: { sleep: async () => undefined } });
    expect(again.summary).toMatchObject({ judged: 3, cacheHits: 3, requests: 0 });
    expect(fixture!.requests).toHaveLength(3);
    const rows = await db.select().from(trainingJudgements).where(eq(trainingJudgements.pipelineId, pipelineId));
    expect(rows).toHaveLength(3);
    const [run] = await db.select().from(trainingFeedbackRuns).where(eq(trainingFeedbackRuns.pipelineId, pipelineId));
    expect(run).toMatchObject({ judged: 3, cacheHits: 3, simulated: false });
    expect(run.finishedAt).not.toBeNull();

    const view = await getJudgeResults(pipelineId);
    expect(view.summary.categories).toEqual([
      { category: 'financing', count: 1, meanScore: 8, failed: 0 },
      { category: 'sales', count: 1, meanScore: 8, failed: 0 },
      { category: 'service', count: 1, meanScore: 4, failed: 0 },
    ]);
    expect(view.rows.map((r) => r.score).sort()).toEqual([4, 8, 8]);
    expect(view.run).toMatchObject({ judgeModel: 'gpt-4o-mini', mode: 'pointwise' });
  });

  it('gives up with a clear error when the judge answers 429 forever, keeping the usage it spent', async () => {
    const pipelineId = randomUUID();
    const endpoint = await fixtureEndpoint(() => ({ status: 429, retryAfter: '0' }));
    const err = await runFeedbackStage({ pipelineId, config: config(), samples, log: () => undefined, endpoint, clientOptions: { retry: { maxRetries: 2 }, sleep: async () => undefined } }).catch((e) => e);
    expect(err).toBeInstanceOf(JudgeUnavailableError);
    expect(err.message).toMatch(/429 after 3 attempts/);
    const [run] = await db.select().from(trainingFeedbackRuns).where(eq(trainingFeedbackRuns.pipelineId, pipelineId));
    expect(run.requests).toBeGreaterThanOrEqual(3);
    expect(run.judged).toBe(0);
  });

  it('fails when every answer is malformed (nothing guessed), recording each failure', async () => {
    const pipelineId = randomUUID();
    const endpoint = await fixtureEndpoint(() => ({ content: 'great answer!' }));
    await expect(runFeedbackStage({ pipelineId, config: config(), samples, log: () => undefined, endpoint })).rejects.toThrow(/none of the 3 judgements succeeded/);
    const rows = await db.select().from(trainingJudgements).where(eq(trainingJudgements.pipelineId, pipelineId));
    expect(rows.map((r) => [r.status, r.score])).toEqual([['failed', null], ['failed', null], ['failed', null]]);
  });

  it('without any judge configured uses the simulated judge (labelled) and simulates responses when generate produced none', async () => {
    const endpoint = await resolveJudgeEndpoint({ model: 'gpt-4o-mini' }, {});
    expect(endpoint.simulated).toBe(true);
    const pipelineId = randomUUID();
    const { summary } = await runFeedbackStage({ pipelineId, config: config({ mode: 'pairwise', samplesPerPrompt: 2 }), samples: undefined, log: () => undefined, endpoint });
    expect(summary).toMatchObject({ judge: { simulated: true, label: 'simulated judge' }, simulatedResponses: true, mode: 'pairwise', samples: 40, judged: 20, failed: 0, estimatedCostUsd: 0 });
    expect(summary.categories.map((c) => c.category)).toEqual(['ev_charging', 'financing', 'parts', 'sales', 'service', 'warranty']);

    const caller = createCallerFactory(createTRPCRouter({ judge: trainingJudgeRouter }));
    const viewer = { type: 'user' as const, id: randomUUID(), label: 'viewer@test', role: 'viewer' as const };
    const view = await caller(createInnerTRPCContext({ actor: viewer })).judge.results({ pipelineId });
    expect(view.run).toMatchObject({ judgeLabel: 'simulated judge', simulated: true });
    expect(view.rows).toHaveLength(20);
    await expect(caller(createInnerTRPCContext({ actor: null })).judge.results({ pipelineId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses pairwise judging with one response per prompt, before calling the judge', async () => {
    const endpoint = await fixtureEndpoint(() => ({ verdict: { score: 5, rationale: 'x' } }));
    await expect(runFeedbackStage({ pipelineId: randomUUID(), config: config({ mode: 'pairwise', samplesPerPrompt: 2 }), samples, log: () => undefined, endpoint })).rejects.toThrow(/pairwise judging needs at least two responses/);
    expect(fixture!.requests).toHaveLength(0);
  });

  it('resolves the judge from OPENAI_BASE_URL / OPENAI_API_KEY, the config base URL first', async () => {
    expect(await resolveJudgeEndpoint({ model: 'm' }, { OPENAI_API_KEY: 'sk-x' })).toEqual({ baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-x', model: 'm', simulated: false });
    expect(await resolveJudgeEndpoint({ model: 'm' }, { OPENAI_BASE_URL: 'http://vllm:8000/v1/', OPENAI_API_KEY: '' })).toMatchObject({ baseUrl: 'http://vllm:8000/v1', simulated: false });
    expect(await resolveJudgeEndpoint({ model: 'm', baseUrl: 'http://judge.local/v1' }, { OPENAI_BASE_URL: 'http://other/v1' })).toMatchObject({ baseUrl: 'http://judge.local/v1' });
  });
});
