import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { trainingMetrics } from '@/db/schema/training';
import { createCallerFactory, createInnerTRPCContext, createTRPCRouter } from '@/server/api/trpc';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { systemMeta, uniqueSlug } from '@/test/fixtures';
import { pipelineConfigSchema } from '../config';
import type { JudgeEndpoint } from './client';
import { closeSimulatedJudge } from './endpoint';
import { memoryCache } from './judge';
import { trainingJudgeRouter } from './router';
import { startFixtureJudgeServer, type FixtureJudgeServer } from './testing/fixture-judge-server';
import { runWinRateJudging } from './win-rate-stage';
import { getWinRateRow, pinWinRateParent } from './win-rate-store';

let fixture: FixtureJudgeServer | null = null;
let dir: string | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});
afterAll(() => closeSimulatedJudge());

const config = (family: { mode: 'existing'; ref: string } | { mode: 'new'; slug: string; displayName: string }) =>
  pipelineConfigSchema.parse({ family, baseModel: 'mistral-7b', specialization: 'automotive_service', dataset: { kind: 'uri', uri: 'file:///d.jsonl' }, rlaif: { judge: { concurrency: 4 } } });

async function familyWithVersions(...versions: Array<{ version: string; metrics?: Record<string, number>; artifactUri?: string }>) {
  const slug = uniqueSlug('wr');
  await createFamily(systemMeta, { slug, displayName: 'Win rate', baseModel: 'mistralai/Mistral-7B-Instruct-v0.3', specialization: 'automotive_service' });
  const created = [];
  for (const v of versions) created.push(await createVersion(systemMeta, slug, v));
  return { slug, versions: created };
}

/** FIXTURE judge: prefers the response that mentions "recall", whichever position it is in. */
async function fixtureEndpoint(): Promise<JudgeEndpoint> {
  fixture = await startFixtureJudgeServer((req) => {
    const a = /Response A:\n([\s\S]*?)\n\nResponse B:/.exec(req.user)![1];
    const b = /Response B:\n([\s\S]*)$/.exec(req.user)![1];
    return { verdict: { score: a.includes('recall') === b.includes('recall') ? 6 : a.includes('recall') ? 9 : 2, rationale: 'fixture' } };
  });
  return { baseUrl: fixture.baseUrl, apiKey: 'sk-fixture', model: 'gpt-4o-mini', simulated: false };
}

describe('the parent a win rate is judged against', () => {
  it('is the family’s latest version by semver, pinned per evaluate attempt; a retried attempt asks again', async () => {
    const { slug, versions } = await familyWithVersions({ version: '1.0.0' }, { version: '1.2.0', artifactUri: 's3://b/1.2.0/', metrics: { eval_loss: 0.45 } }, { version: '1.1.0' });
    const pipeline = { id: randomUUID(), familySlug: slug, config: config({ mode: 'existing', ref: slug }) };
    const row = await pinWinRateParent(pipeline, 1);
    expect(row).toMatchObject({ status: 'pending', attempt: 1, parentVersion: '1.2.0', parentVersionId: versions[1].id, parent: { artifactUri: 's3://b/1.2.0/', metrics: { eval_loss: 0.45 } } });
    // A version registered meanwhile does not move the pin of this attempt…
    await createVersion(systemMeta, slug, { version: '1.3.0' });
    expect((await pinWinRateParent(pipeline, 1)).parentVersion).toBe('1.2.0');
    // …but the next attempt judges against the new latest.
    expect(await pinWinRateParent(pipeline, 2)).toMatchObject({ attempt: 2, parentVersion: '1.3.0', status: 'pending' });
  });

  it('does not exist for a new family or one without versions: no parent, with the reason, and no number', async () => {
    const slug = uniqueSlug('wr-new');
    const row = await pinWinRateParent({ id: randomUUID(), familySlug: slug, config: config({ mode: 'new', slug, displayName: 'New' }) }, 1);
    expect(row).toMatchObject({ status: 'no_parent', parentVersion: null, winRate: null, reason: expect.stringMatching(/^no parent version: this is the first version of/) });
    const empty = await familyWithVersions();
    expect((await pinWinRateParent({ id: randomUUID(), familySlug: empty.slug, config: config({ mode: 'existing', ref: empty.slug }) }, 1)).status).toBe('no_parent');
    const summary = await runWinRateJudging({ pipelineId: row.pipelineId, attempt: 1, config: config({ mode: 'new', slug, displayName: 'New' }), row, artifactUri: undefined, modelStage: 'sft', step: 50, log: () => undefined });
    expect(summary).toMatchObject({ status: 'no_parent', winRate: null, reason: row.reason });
    expect(await db.select().from(trainingMetrics).where(eq(trainingMetrics.pipelineId, row.pipelineId))).toHaveLength(0);
  });
});

describe('judging the win rate', () => {
  it('judges the trainer’s eval_responses.jsonl in both orders, stores the summary and one metric; a re-run hits the cache and counts nothing twice', async () => {
    const { slug } = await familyWithVersions({ version: '2.0.0' });
    const cfg = config({ mode: 'existing', ref: slug });
    const pipelineId = randomUUID();
    const row = await pinWinRateParent({ id: pipelineId, familySlug: slug, config: cfg }, 1);
    dir = await mkdtemp(join(tmpdir(), 'nw-eval-'));
    const lines = [
      { promptId: 'w-1', category: 'warranty', prompt: 'Is the recall repair free?', candidate: 'Yes, recall repairs are free.', baseline: 'Probably.' },
      { promptId: 'w-2', category: 'warranty', prompt: 'Does the warranty cover tyres?', candidate: 'Tyres have their own warranty.', baseline: 'Check the recall list.' },
      { promptId: 's-1', category: 'service', prompt: 'Oil change interval?', candidate: 'Every 10,000 km.', baseline: 'Every 10,000 km or so.' },
    ];
    await writeFile(join(dir, 'eval_responses.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const endpoint = await fixtureEndpoint();
    const cache = memoryCache();
    const input = { pipelineId, attempt: 1, config: cfg, row, artifactUri: pathToFileURL(dir).href, modelStage: 'sft', step: 50, log: () => undefined, endpoint, cache };

    const first = await runWinRateJudging(input);
    expect(first).toMatchObject({ status: 'judged', parentVersion: '2.0.0', wins: 1, ties: 1, losses: 1, failed: 0, winRate: 0.5, simulatedResponses: false, judge: { model: 'gpt-4o-mini', simulated: false } });
    expect(first.byCategory).toEqual({ service: { winRate: 0.5, n: 1, wins: 0, ties: 1, losses: 0 }, warranty: { winRate: 0.5, n: 2, wins: 1, ties: 0, losses: 1 } });
    expect(fixture!.requests).toHaveLength(6);
    expect(fixture!.requests[0].system).toContain('Compare Response A and Response B');
    expect(fixture!.requests.some((r) => r.user.includes('Yes, recall repairs are free.'))).toBe(true);

    const again = await runWinRateJudging(input);
    expect(again).toEqual(first);
    expect(fixture!.requests).toHaveLength(6);
    const stored = (await getWinRateRow(pipelineId))!;
    expect(stored).toMatchObject({ status: 'judged', wins: 1, ties: 1, losses: 1, prompts: 3, requests: 6, cacheHits: 6, promptTokens: 600, completionTokens: 120, simulatedJudge: false });
    expect(stored.estimatedCostUsd).toBeCloseTo((600 * 0.15 + 120 * 0.6) / 1e6, 12);
    const metric = await db.select().from(trainingMetrics).where(and(eq(trainingMetrics.pipelineId, pipelineId), eq(trainingMetrics.name, 'judge_win_rate')));
    expect(metric.map((m) => [m.stage, m.attempt, m.step, m.value])).toEqual([['evaluate', 1, 50, 0.5]]);

    // The pipeline page reads it through tRPC (training.judge.winRate).
    const caller = createCallerFactory(createTRPCRouter({ judge: trainingJudgeRouter }));
    const viewer = { type: 'user' as const, id: randomUUID(), label: 'viewer@test', role: 'viewer' as const };
    const view = await caller(createInnerTRPCContext({ actor: viewer })).judge.winRate({ pipelineId });
    expect(view).toMatchObject({ status: 'judged', parentVersion: '2.0.0', winRate: 0.5, judge: { label: `gpt-4o-mini at ${endpoint.baseUrl}` }, usage: { requests: 6, cacheHits: 6 } });
    expect(view!.byCategory.map((c) => c.category)).toEqual(['service', 'warranty']);
    expect(await caller(createInnerTRPCContext({ actor: viewer })).judge.winRate({ pipelineId: randomUUID() })).toBeNull();
  });

  it('without eval_responses.jsonl simulates both models (labelled) and the simulated judge answers', async () => {
    const { slug } = await familyWithVersions({ version: '1.0.0' });
    const cfg = config({ mode: 'existing', ref: slug });
    const pipelineId = randomUUID();
    const row = await pinWinRateParent({ id: pipelineId, familySlug: slug, config: cfg }, 1);
    const logs: string[] = [];
    const summary = await runWinRateJudging({ pipelineId, attempt: 1, config: cfg, row, artifactUri: 's3://bucket/evaluate/', modelStage: 'ppo', step: 50, log: (l) => void logs.push(l) });
    expect(summary).toMatchObject({ status: 'judged', parentVersion: '1.0.0', simulatedResponses: true, failed: 0, judge: { simulated: true, label: 'simulated judge' } });
    expect(summary.wins + summary.ties + summary.losses).toBe(20);
    expect(summary.winRate).toBeGreaterThan(0);
    expect(summary.winRate).toBeLessThan(1);
    expect(logs.join('\n')).toMatch(/no eval_responses\.jsonl from the evaluate trainer: simulated responses/);
    expect(await getWinRateRow(pipelineId)).toMatchObject({ simulatedResponses: true, simulatedJudge: true, estimatedCostUsd: 0 });
  });
});
