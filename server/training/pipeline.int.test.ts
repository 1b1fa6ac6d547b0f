import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { auditEvents } from '@/db/schema/audit';
import { modelVersions } from '@/db/schema/registry';
import { buildJobTokenSecret, buildTrainingJob, getCluster, Kinds, LABELS, labelSelector, MANAGED_BY, trainingJobNames } from '@/server/cluster';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { getQueue } from '@/server/queue/factory';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { systemMeta, uniqueSlug } from '@/test/fixtures';
import { issueJobToken } from './job-token';
import { startFixtureJudgeServer } from './judge/testing/fixture-judge-server';
import { trainingSettings } from './settings';
import { stageJobId } from './stages';
import { closeAll, pipelineConfig, startTrainingHarness } from './testing/harness';
import { TrainingWatcher } from './watcher';

let h: Awaited<ReturnType<typeof startTrainingHarness>>;

beforeAll(async () => {
  h = await startTrainingHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await closeAll();
});

async function statusOf(id: string) {
  const res = await h.api('GET', `/training/${id}/status`);
  expect(res.status).toBe(200);
  return res.body;
}

async function untilFinished(id: string, timeoutMs = 60_000) {
  return waitFor(`pipeline ${id} to finish`, async () => {
    const s = await statusOf(id);
    return ['succeeded', 'failed', 'cancelled'].includes(s.status) ? s : null;
  }, timeoutMs, 100);
}

async function jobsOf(id: string) {
  const { items } = await h.env.cluster.client.list(Kinds.Job, { labelSelector: `${LABELS.pipeline}=${id}` });
  return items.map((j) => j.metadata!.name!);
}

async function existingFamily() {
  const slug = uniqueSlug('svc');
  await createFamily(systemMeta, { slug, displayName: 'Service assistant', baseModel: 'meta-llama/Llama-3.2-3B-Instruct', specialization: 'automotive_service' });
  await createVersion(systemMeta, slug, { version: '1.0.0' });
  return slug;
}

describe('training pipeline on the simulator', () => {
  it('runs prepare → SFT → RLAIF → evaluate → register through REST and registers one version', async () => {
    const slug = await existingFamily();
    const started = await h.api('POST', '/training/start', pipelineConfig(h.dataset(), { mode: 'existing', ref: slug }));
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.jobId;
    const done = await untilFinished(id);
    expect(done.status, JSON.stringify(done.stages.filter((s: { error: string | null }) => s.error))).toBe('succeeded');
    expect(done.progress).toBe(1);
    expect(done.stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual([
      'prepare:succeeded', 'sft:succeeded', 'generate:succeeded', 'feedback:succeeded', 'reward_model:succeeded', 'ppo:succeeded', 'evaluate:succeeded', 'register:succeeded',
    ]);
    expect(done.result).toMatchObject({ family: slug, version: '1.1.0' });
    expect(done.fallbackReason).toBeNull();

    // One version, bumped from the family's latest, with lineage, artifact and metrics.
    const versions = await db.select().from(modelVersions).where(eq(modelVersions.trainingJobId, id));
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: '1.1.0', lineage: expect.objectContaining({ pipelineId: id }), artifactUri: expect.stringMatching(/ppo/) });
    expect(versions[0].artifactSha256).toMatch(/^[a-f0-9]{64}$/);
    expect(Object.keys(versions[0].metrics)).toEqual(expect.arrayContaining(['eval_loss', 'reward', 'kl', 'train_loss', 'judge_win_rate']));

    // The judge win rate against the parent (the family's 1.0.0, which the new version was bumped from), measured by
    // the worker after the evaluate Job: a number strictly between 0 and 1, with its W/T/L summary stored per pipeline.
    const winRate = done.judgeWinRate;
    expect(winRate).toMatchObject({ status: 'judged', parentVersion: '1.0.0', parentVersionId: versions[0].parentId, failed: 0, simulatedResponses: true, judge: { simulated: true, label: 'simulated judge' }, reason: null });
    expect(winRate.wins + winRate.ties + winRate.losses).toBe(20);
    expect(winRate.winRate).toBeCloseTo((winRate.wins + winRate.ties / 2) / 20, 10);
    expect(winRate.winRate).toBeGreaterThan(0);
    expect(winRate.winRate).toBeLessThan(1);
    expect(winRate.byCategory.map((c: { category: string }) => c.category)).toEqual(['ev_charging', 'financing', 'parts', 'sales', 'service', 'warranty']);
    expect(versions[0].metrics.judge_win_rate).toBe(winRate.winRate);
    expect(done.latestMetrics.evaluate.judge_win_rate).toBe(winRate.winRate);
    expect(versions[0].config).toMatchObject({ judgeWinRate: { against: '1.0.0', wins: winRate.wins, ties: winRate.ties, losses: winRate.losses } });
    expect(done.stages.find((s: { stage: string }) => s.stage === 'evaluate').result.winRate).toMatchObject({ status: 'judged', parentVersion: '1.0.0' });

    // Metric time series from the trainers: loss for SFT, reward and KL for PPO.
    const metrics = await h.api('GET', `/training/${id}/metrics`);
    const names = new Set(metrics.body.points.map((p: { stage: string; name: string }) => `${p.stage}/${p.name}`));
    expect([...names]).toEqual(expect.arrayContaining(['sft/loss', 'ppo/reward', 'ppo/kl', 'evaluate/eval_loss', 'evaluate/judge_win_rate']));
    expect(metrics.body.points.filter((p: { name: string }) => p.name === 'judge_win_rate')).toHaveLength(1);

    // Exactly one Job per GPU stage attempt.
    expect((await jobsOf(id)).sort()).toHaveLength(5);
    // The watcher applied generate's, ppo's and evaluate's Jobs the moment the stage before finished, and then
    // removed their safety-net jobs rather than leave them to run seconds later and find the stage moved on.
    // sft and reward_model follow worker stages and went through the queue the ordinary way.
    const queue = getQueue('training');
    for (const stage of ['generate', 'ppo', 'evaluate'] as const) expect(await queue.getJob(stageJobId(id, stage, 1)), stage).toBeUndefined();
    for (const stage of ['sft', 'reward_model'] as const) expect(await queue.getJob(stageJobId(id, stage, 1)), stage).toBeDefined();
    // Each attempt's token Secret is deleted once its Job finished: the token is of no use any more.
    await waitFor('the token Secrets to be deleted', async () => ((await h.env.cluster.client.list(Kinds.Secret, { labelSelector: `${LABELS.pipeline}=${id}` })).items.length === 0 ? true : null), 10_000, 100);

    const audit = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'training.start'), eq(auditEvents.targetId, id)));
    expect(audit).toHaveLength(1);
    const listed = await h.api('GET', '/training?status=succeeded&limit=100');
    expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(id);
  }, 90_000);

  it('refuses trainer events with a wrong token (401) and with the token of a finished job (403)', async () => {
    const slug = await existingFamily();
    const started = await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }));
    const id = started.body.jobId;
    const finished = await untilFinished(id);
    expect(finished.status, JSON.stringify(finished.stages)).toBe('succeeded');
    expect(finished.stages.map((s: { stage: string }) => s.stage)).toEqual(['prepare', 'sft', 'evaluate', 'register']);
    const event = { type: 'progress', progress: 0.5, step: 1 };
    expect((await h.apiAs()('POST', '/trainer/events', event)).status).toBe(401);
    expect((await h.apiAs('nwt_bm90LWEtdG9rZW4.AAAA')('POST', '/trainer/events', event)).status).toBe(401);
    const forged = issueJobToken({ pipelineId: id, stage: 'sft', attempt: 1 }).slice(0, -4) + 'AAAA';
    expect((await h.apiAs(forged)('POST', '/trainer/events', event)).status).toBe(401);
    // A genuine token whose job finished: expired (once the endpoint's 0.5 s "still running" cache has lapsed).
    await new Promise((r) => setTimeout(r, 600));
    const expired = await h.apiAs(issueJobToken({ pipelineId: id, stage: 'sft', attempt: 1 }))('POST', '/trainer/events', event);
    expect(expired.status).toBe(403);
    // Malformed events are refused without touching anything.
    const bad = await h.apiAs(issueJobToken({ pipelineId: id, stage: 'sft', attempt: 1 }))('POST', '/trainer/events', { type: 'metric', name: 'loss', value: 'NaN', step: 1 });
    expect(bad.status).toBe(422);
  }, 60_000);

  it('refuses an unknown family and hyper-parameters out of range with 422 naming the field', async () => {
    const unknown = await h.api('POST', '/training/start', pipelineConfig(h.dataset(5), { mode: 'existing', ref: 'no-such-family' }));
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.field).toBe('family.ref');
    const slug = await existingFamily();
    const bad = await h.api('POST', '/training/start', pipelineConfig(h.dataset(5), { mode: 'existing', ref: slug }, { qlora: { rank: 100000 } }));
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('qlora.rank');
    const tooBig = await h.api('POST', '/training/start', pipelineConfig(h.dataset(5), { mode: 'existing', ref: slug }, { baseModel: 'llama-3.1-70b', resources: { gpuType: 'nvidia-t4', gpuCount: 1 } }));
    expect(tooBig.status).toBe(422);
    // The estimator names what to change (here the batch size first).
    expect(tooBig.body.error.field).toMatch(/^(resources|qlora)\./);
    expect(tooBig.body.error.message).toMatch(/GiB/);
    // Nothing was written for refused runs.
    expect((await h.api('GET', '/training?limit=100')).body.items.filter((p: { family: string }) => p.family === slug)).toHaveLength(0);
  });
});

describe('cancel, retry and waiting for GPU', () => {
  it('shows waiting for GPU with the queue position, cancels (Job deleted, finished stages kept), refuses a second cancel, and retries from the cancelled stage', async () => {
    const slug = await existingFamily();
    h.env.sim.settings.update({ gpusPerNode: 0 });
    try {
      const a = (await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }))).body.jobId;
      const waitingA = await waitFor('first pipeline to wait for a GPU', async () => {
        const s = await statusOf(a);
        return s.stages.find((x: { stage: string; waiting: string | null }) => x.stage === 'sft' && x.waiting)?.waiting;
      }, 20_000, 100);
      expect(waitingA).toBe('waiting for GPU (1st in queue)');
      const b = (await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }))).body.jobId;
      await waitFor('second pipeline to queue behind the first', async () => (await statusOf(b)).stages.find((x: { stage: string }) => x.stage === 'sft').waiting === 'waiting for GPU (2nd in queue)', 20_000, 100);

      const before = await statusOf(a);
      const jobName = before.stages.find((x: { stage: string }) => x.stage === 'sft').jobName;
      expect(await h.env.cluster.client.find(Kinds.Job, jobName)).not.toBeNull();
      const cancelled = await h.api('POST', `/training/${a}/cancel`, { reason: 'test' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      const stages = Object.fromEntries(cancelled.body.stages.map((s: { stage: string }) => [s.stage, s]));
      expect(stages.prepare).toMatchObject({ status: 'succeeded', result: expect.objectContaining({ datasetSha256: expect.stringMatching(/^[a-f0-9]{64}$/) }) });
      expect(stages.sft.status).toBe('cancelled');
      expect(stages.evaluate.status).toBe('pending');
      expect(await h.env.cluster.client.find(Kinds.Job, jobName)).toBeNull();
      const again = await h.api('POST', `/training/${a}/cancel`, {});
      expect(again.status).toBe(409);
      const audit = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'training.cancel'), eq(auditEvents.targetId, a)));
      expect(audit).toHaveLength(1);
      // The other pipeline moves up the queue.
      await waitFor('second pipeline to move up', async () => (await statusOf(b)).stages.find((x: { stage: string }) => x.stage === 'sft').waiting === 'waiting for GPU (1st in queue)', 20_000, 100);

      h.env.sim.settings.update({ gpusPerNode: 2 });
      const retried = await h.api('POST', `/training/${a}/retry`);
      expect(retried.status).toBe(200);
      const [doneA, doneB] = await Promise.all([untilFinished(a), untilFinished(b)]);
      expect(doneB.status).toBe('succeeded');
      expect(doneA.status).toBe('succeeded');
      const finalStages = Object.fromEntries(doneA.stages.map((s: { stage: string }) => [s.stage, s]));
      expect(finalStages.prepare.attempt).toBe(1);
      expect(finalStages.sft.attempt).toBe(2);
      // The cancelled attempt's Job is gone; only attempt 2 ran to the end.
      expect((await jobsOf(a)).filter((n) => n.startsWith('sft-'))).toEqual([expect.stringMatching(/-a2$/)]);
      expect((await h.api('POST', `/training/${a}/cancel`, {})).status).toBe(409);
    } finally {
      h.env.sim.settings.update({ gpusPerNode: 2 });
    }
  }, 90_000);

  it('fails a stage with the cause in plain words and retries the run from that stage', async () => {
    const slug = await existingFamily();
    process.env.NEUROWEAVER_SIM_FAIL_STAGES = 'sft';
    let id: string;
    try {
      id = (await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }))).body.jobId;
      const failed = await untilFinished(id);
      expect(failed.status).toBe('failed');
      const sft = failed.stages.find((s: { stage: string }) => s.stage === 'sft');
      expect(sft).toMatchObject({ status: 'failed', errorCode: 'exit_code' });
      expect(sft.error).toMatch(/exited with code 1/);
      expect(failed.error).toMatch(/^sft: /);
    } finally {
      delete process.env.NEUROWEAVER_SIM_FAIL_STAGES;
    }
    const retried = await h.api('POST', `/training/${id}/retry`);
    expect(retried.status).toBe(200);
    // The in-process worker may pick the queued attempt up before the answer reads it back.
    expect(retried.body.stages.find((s: { stage: string }) => s.stage === 'sft')).toMatchObject({ status: expect.stringMatching(/^(queued|running)$/), attempt: 2 });
    const done = await untilFinished(id);
    expect(done.status).toBe('succeeded');
    expect(done.stages.find((s: { stage: string }) => s.stage === 'prepare').attempt).toBe(1);
    expect((await jobsOf(id)).filter((n) => n.startsWith('sft-')).sort()).toEqual([expect.stringMatching(/-a1$/), expect.stringMatching(/-a2$/)]);
    expect((await h.api('POST', `/training/${id}/retry`)).status).toBe(409);
    expect(await db.select().from(modelVersions).where(eq(modelVersions.trainingJobId, id))).toHaveLength(1);
  }, 90_000);
});

describe('judge win rate against the parent version', () => {
  it('has none for a family’s first version: "no parent version", and no judge_win_rate in its metrics', async () => {
    const slug = uniqueSlug('first');
    const id = (await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'new', slug, displayName: 'First of its family' }, { rlaif: { enabled: false } }))).body.jobId;
    const done = await untilFinished(id);
    expect(done.status, JSON.stringify(done.stages.filter((s: { error: string | null }) => s.error))).toBe('succeeded');
    expect(done.result).toMatchObject({ family: slug, version: '0.1.0' });
    expect(done.judgeWinRate).toMatchObject({ status: 'no_parent', parentVersion: null, winRate: null, wins: 0, reason: expect.stringMatching(/^no parent version/) });
    expect(done.latestMetrics.evaluate).not.toHaveProperty('judge_win_rate');
    const [version] = await db.select().from(modelVersions).where(eq(modelVersions.trainingJobId, id));
    expect(version.parentId).toBeNull();
    expect(version.metrics).not.toHaveProperty('judge_win_rate');
    expect(version.config).toMatchObject({ judgeWinRate: { against: null, reason: expect.stringMatching(/^no parent version/) } });
  }, 60_000);

  it('fails evaluate with the cause when the judge answers 429 forever (no version, no made-up number); a retry with the judge back registers with the win rate', async () => {
    const slug = await existingFamily();
    let limited = true;
    // FIXTURE judge: rate-limited until the test lifts it, then prefers the longer answer in either position.
    const judge = await startFixtureJudgeServer((req) => {
      if (limited) return { status: 429, retryAfter: '0' };
      const a = /Response A:\n([\s\S]*?)\n\nResponse B:/.exec(req.user)![1];
      const b = /Response B:\n([\s\S]*)$/.exec(req.user)![1];
      return { verdict: { score: a.length > b.length ? 8 : a.length < b.length ? 3 : 6, rationale: 'fixture' } };
    });
    try {
      const id = (await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false, judge: { baseUrl: judge.baseUrl } } }))).body.jobId;
      const failed = await untilFinished(id);
      expect(failed.status).toBe('failed');
      const evaluate = failed.stages.find((s: { stage: string }) => s.stage === 'evaluate');
      expect(evaluate).toMatchObject({ status: 'failed', errorCode: 'judge_unavailable' });
      expect(evaluate.error).toMatch(/^judge win rate against 1\.0\.0 not measured: judge gpt-4o-mini at http:\/\/127\.0\.0\.1:\d+\/v1 still answered HTTP 429 after 6 attempts/);
      expect(failed.error).toMatch(/^evaluate: judge win rate against 1\.0\.0 not measured/);
      expect(failed.judgeWinRate).toMatchObject({ status: 'failed', parentVersion: '1.0.0', winRate: null, reason: evaluate.error });
      expect(failed.judgeWinRate.usage.requests).toBeGreaterThanOrEqual(6);
      expect(failed.latestMetrics.evaluate).not.toHaveProperty('judge_win_rate');
      expect(await db.select().from(modelVersions).where(eq(modelVersions.trainingJobId, id))).toHaveLength(0);

      limited = false;
      expect((await h.api('POST', `/training/${id}/retry`)).status).toBe(200);
      const done = await untilFinished(id);
      expect(done.status, JSON.stringify(done.stages.filter((s: { error: string | null }) => s.error))).toBe('succeeded');
      expect(done.judgeWinRate).toMatchObject({ status: 'judged', attempt: 2, parentVersion: '1.0.0', simulatedResponses: true, judge: { model: 'gpt-4o-mini', simulated: false } });
      const [version] = await db.select().from(modelVersions).where(eq(modelVersions.trainingJobId, id));
      expect(version.metrics.judge_win_rate).toBe(done.judgeWinRate.winRate);
      expect((await jobsOf(id)).filter((n) => n.startsWith('evaluate-')).sort()).toEqual([expect.stringMatching(/-a1$/), expect.stringMatching(/-a2$/)]);
    } finally {
      await judge.close();
    }
  }, 90_000);
});

describe('token Secrets', () => {
  it('are swept when their Job finished or never came, and kept while their Job runs', async () => {
    const { client, identity } = await getCluster();
    const namespace = identity.namespace;
    const stray = { pipelineId: randomUUID(), stage: 'sft' as const, attempt: 1 };
    const running = { pipelineId: randomUUID(), stage: 'sft' as const, attempt: 1 };
    await client.apply(buildJobTokenSecret({ ...stray, namespace, token: issueJobToken(stray) }));
    await client.apply(buildJobTokenSecret({ ...running, namespace, token: issueJobToken(running) }));
    const job = buildTrainingJob({ ...running, namespace, image: 'trainer:test', args: [], resources: { gpu: 1, cpu: '1', memory: '1Gi' }, callbackUrl: 'http://127.0.0.1:9/x', stageConfig: { simDurationSeconds: 3_600 } }, trainingSettings().cluster);
    await client.apply(job);
    try {
      const { items } = await client.list(Kinds.Job, { labelSelector: labelSelector({ [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: 'training' }) });
      // A minimum age of 0: the sweep's own guard against a Job still on its way is 60 s.
      expect(await new TrainingWatcher().sweepTokens(items, 0)).toBeGreaterThanOrEqual(1);
      expect(await client.find(Kinds.Secret, trainingJobNames(stray).secret)).toBeNull();
      expect(await client.find(Kinds.Secret, trainingJobNames(running).secret)).not.toBeNull();
      // With the default minimum age a fresh stray Secret is left alone (its Job may be on its way).
      await client.apply(buildJobTokenSecret({ ...stray, namespace, token: issueJobToken(stray) }));
      await new TrainingWatcher().sweepTokens(items);
      expect(await client.find(Kinds.Secret, trainingJobNames(stray).secret)).not.toBeNull();
    } finally {
      await client.delete(Kinds.Job, job.metadata!.name!, { propagationPolicy: 'Background' });
      await client.delete(Kinds.Secret, trainingJobNames(running).secret);
      await client.delete(Kinds.Secret, trainingJobNames(stray).secret);
    }
  });
});

describe('RLAIF fallback', () => {
  it('registers the SFT model, marked with why, when an RLAIF stage fails after its retries', async () => {
    const slug = await existingFamily();
    process.env.NEUROWEAVER_SIM_FAIL_STAGES = 'reward_model';
    try {
      const id = (await h.api('POST', '/training/start', pipelineConfig(h.dataset(), { mode: 'existing', ref: slug }))).body.jobId;
      const done = await untilFinished(id);
      expect(done.status).toBe('succeeded');
      expect(done.stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual([
        'prepare:succeeded', 'sft:succeeded', 'generate:succeeded', 'feedback:succeeded', 'reward_model:failed', 'ppo:skipped', 'evaluate:succeeded', 'register:succeeded',
      ]);
      expect(done.fallbackReason).toMatch(/RLAIF did not complete: reward_model failed \(.*exited with code 1/);
      const [version] = await db.select().from(modelVersions).where(eq(modelVersions.trainingJobId, id));
      expect(version.tags).toContain('rlaif-fallback');
      expect(version.notes).toMatch(/Registered from the SFT model/);
      expect(version.config).toMatchObject({ trainedStage: 'sft', rlaifFallback: done.fallbackReason });
      expect(version.artifactUri).toMatch(/sft/);
      // The reward-model Job was tried with its pod retries (backoffLimit 2), as one Job.
      expect((await jobsOf(id)).filter((n) => n.startsWith('reward-model'))).toHaveLength(1);
      expect(await jobsOf(id)).not.toContainEqual(expect.stringMatching(/^ppo-/));
    } finally {
      delete process.env.NEUROWEAVER_SIM_FAIL_STAGES;
    }
  }, 90_000);
});

describe('trainer events while a stage runs', () => {
  it('accepts metrics, logs and progress with the job token, ignores out-of-order progress, and refuses the token of another attempt', async () => {
    const slug = await existingFamily();
    h.env.sim.settings.update({ gpusPerNode: 0 });
    try {
      const id = (await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }))).body.jobId;
      await waitFor('sft to run', async () => (await statusOf(id)).stages.find((s: { stage: string }) => s.stage === 'sft').status === 'running', 20_000, 50);
      const trainer = h.apiAs(issueJobToken({ pipelineId: id, stage: 'sft', attempt: 1 }));
      expect((await trainer('POST', '/trainer/events', { type: 'progress', progress: 0.6, step: 60, totalSteps: 100 })).status).toBe(202);
      const batch = await trainer('POST', '/trainer/events', {
        events: [
          { type: 'metric', name: 'loss', value: 0.42, step: 60 },
          { type: 'log', line: 'epoch 2 of 3' },
          { type: 'progress', progress: 0.3, step: 30, totalSteps: 100 },
        ],
      });
      expect(batch.status).toBe(202);
      expect(batch.body).toEqual({ accepted: 3 });
      // Written within the flush interval; the late, lower step did not move progress back.
      const sft = await waitFor('the events to be written', async () => {
        const s = (await statusOf(id)).stages.find((x: { stage: string }) => x.stage === 'sft');
        return s.step === 60 ? s : null;
      }, 5_000, 50);
      expect(sft).toMatchObject({ progress: 0.6, step: 60, totalSteps: 100 });
      const status = await statusOf(id);
      expect(status.latestMetrics.sft.loss).toBe(0.42);
      expect((await h.api('GET', `/training/${id}/metrics?stage=sft`)).body.points).toEqual([expect.objectContaining({ name: 'loss', value: 0.42, step: 60, attempt: 1 })]);
      // A token for an attempt that does not exist (yet) is refused, and writes nothing.
      const other = await h.apiAs(issueJobToken({ pipelineId: id, stage: 'sft', attempt: 2 }))('POST', '/trainer/events', { type: 'metric', name: 'loss', value: 9, step: 1 });
      expect(other.status).toBe(403);
      expect((await h.api('POST', `/training/${id}/cancel`, {})).status).toBe(200);
      expect((await trainer('POST', '/trainer/events', { type: 'log', line: 'too late' })).status).toBe(403);
    } finally {
      h.env.sim.settings.update({ gpusPerNode: 2 });
    }
  }, 60_000);
});
