import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { trainingLogs, trainingStages } from '@/db/schema/training';
import { Kinds, trainingJobNames } from '@/server/cluster';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { systemMeta, uniqueSlug } from '@/test/fixtures';
import { runStage } from './run-stage';
import { closeAll, pipelineConfig, startTrainingHarness } from './testing/harness';
import { claimableAttempts, completeStage } from './transitions';
import { TrainingWatcher } from './watcher';

/*
 * The watcher's transition from a finished Job claims the next GPU stage in the same statement and then
 * applies its Job. A worker that dies between the two leaves a running stage without a Job: the queued
 * job the watcher enqueued before the apply is what creates it. No worker or watcher runs here: the test
 * takes each step itself, and stops where the watcher would have died.
 */

let h: Awaited<ReturnType<typeof startTrainingHarness>>;

beforeAll(async () => {
  h = await startTrainingHarness({ inProcessWorker: false });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await closeAll();
});

/** A pipeline without RLAIF whose `sft` attempt 1 runs (its Job applied by the ordinary dispatch). */
async function pipelineInSft(): Promise<string> {
  const slug = uniqueSlug('claim');
  await createFamily(systemMeta, { slug, displayName: 'Claim', baseModel: 'meta-llama/Llama-3.2-3B-Instruct', specialization: 'automotive_service' });
  await createVersion(systemMeta, slug, { version: '1.0.0' });
  const res = await h.api('POST', '/training/start', pipelineConfig(h.dataset(20), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }));
  expect(res.status).toBe(202);
  const id = res.body.jobId as string;
  expect(await runStage(systemMeta, { pipelineId: id, stage: 'prepare', attempt: 1 }, { finalAttempt: true })).toEqual({ outcome: 'completed' });
  expect(await runStage(systemMeta, { pipelineId: id, stage: 'sft', attempt: 1 }, { finalAttempt: false })).toEqual({ outcome: 'job created' });
  return id;
}

async function stageRow(pipelineId: string, stage: 'evaluate') {
  const [row] = await db.select().from(trainingStages).where(and(eq(trainingStages.pipelineId, pipelineId), eq(trainingStages.stage, stage)));
  return row;
}

describe('completing a GPU stage', () => {
  it('claims the next GPU stage under its Job name; if the Job never comes, the queued job creates it, once', async () => {
    const id = await pipelineInSft();
    const moved = await completeStage(id, 'sft', 1, {}, claimableAttempts(id));
    expect(moved?.next).toEqual({ pipelineId: id, stage: 'evaluate', attempt: 1, claimed: true });

    const jobName = trainingJobNames({ pipelineId: id, stage: 'evaluate', attempt: 1 }).job;
    const evaluate = await stageRow(id, 'evaluate');
    expect(evaluate).toMatchObject({ status: 'running', attempt: 1, jobName });
    expect(evaluate.startedAt).toBeInstanceOf(Date);
    const lines = (await db.select({ line: trainingLogs.line }).from(trainingLogs).where(and(eq(trainingLogs.pipelineId, id), eq(trainingLogs.stage, 'evaluate')))).map((r) => r.line);
    expect(lines).toEqual([`[neuroweaver] stage evaluate attempt 1 started as Job ${jobName}`]);

    // The watcher died here, before its apply: the stage runs, its Job does not exist.
    const { client } = h.env.cluster;
    expect(await client.find(Kinds.Job, jobName)).toBeNull();
    // The safety-net job (enqueued before the apply) creates it; run again, it finds it.
    expect(await runStage(systemMeta, moved!.next!, { finalAttempt: false })).toEqual({ outcome: 'job re-applied' });
    expect(await client.find(Kinds.Job, jobName)).not.toBeNull();
    expect(await runStage(systemMeta, moved!.next!, { finalAttempt: false })).toEqual({ outcome: 'job exists' });
    expect(await h.api('POST', `/training/${id}/cancel`, { reason: 'test done' })).toMatchObject({ status: 200 });
  });

  it('gets the Job from the reconcile when the queued job was lost as well', async () => {
    const id = await pipelineInSft();
    const moved = await completeStage(id, 'sft', 1, {}, claimableAttempts(id));
    expect(moved?.next?.claimed).toBe(true);
    const jobName = trainingJobNames({ pipelineId: id, stage: 'evaluate', attempt: 1 }).job;
    const { client } = h.env.cluster;
    // Within its grace period (the queued job may still come) the reconcile leaves the stage alone.
    await new TrainingWatcher().reconcile();
    expect(await client.find(Kinds.Job, jobName)).toBeNull();
    await new TrainingWatcher().reconcile(0);
    expect(await client.find(Kinds.Job, jobName)).not.toBeNull();
    expect(await stageRow(id, 'evaluate')).toMatchObject({ status: 'running', attempt: 1, jobName });
    expect(await h.api('POST', `/training/${id}/cancel`, { reason: 'test done' })).toMatchObject({ status: 200 });
  });

  it('queues the next stage for the ordinary dispatch when its attempt has no claimable name', async () => {
    const id = await pipelineInSft();
    const moved = await completeStage(id, 'sft', 1, {}, {});
    expect(moved?.next).toEqual({ pipelineId: id, stage: 'evaluate', attempt: 1, claimed: false });
    expect(await stageRow(id, 'evaluate')).toMatchObject({ status: 'queued', attempt: 1, jobName: null, startedAt: null });
    expect(await runStage(systemMeta, moved!.next!, { finalAttempt: false })).toEqual({ outcome: 'job created' });
    expect(await h.api('POST', `/training/${id}/cancel`, { reason: 'test done' })).toMatchObject({ status: 200 });
  });
});
