import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { trainingLogCounts, trainingLogs, trainingPipelines, type TrainingStageName } from '@/db/schema/training';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { enqueue, getQueue } from '@/server/queue/factory';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { systemMeta, uniqueSlug } from '@/test/fixtures';
import { maintenanceProcessor } from '@/workers/processors/maintenance';
import { register } from '@/workers/register';
import { flushTrainerEvents } from './ingest';
import { issueJobToken } from './job-token';
import { pruneTrainingLogs } from './log-retention';
import { writeLogLines } from './logs';
import { closeAll, pipelineConfig, startTrainingHarness } from './testing/harness';

/* Log retention: the newest N lines per stage attempt as lines arrive, and whole logs D days after a run. */

const LIMIT = 100;
let h: Awaited<ReturnType<typeof startTrainingHarness>>;

beforeAll(async () => {
  process.env.NEUROWEAVER_TRAINING_LOG_MAX_LINES = String(LIMIT);
  h = await startTrainingHarness();
  // Test files share Redis: drop maintenance jobs and schedules another file left, so only this file's jobs run here.
  const maintenance = getQueue('maintenance');
  for (const s of await maintenance.getJobSchedulers()) await maintenance.removeJobScheduler(s.id || s.key);
  await maintenance.drain(true);
  register('maintenance', maintenanceProcessor, { concurrency: 1 });
}, 60_000);
afterAll(async () => {
  delete process.env.NEUROWEAVER_TRAINING_LOG_MAX_LINES;
  await h?.stop();
  await closeAll();
});

async function family() {
  const slug = uniqueSlug('logs');
  await createFamily(systemMeta, { slug, displayName: 'Log retention', baseModel: 'meta-llama/Llama-3.2-3B-Instruct', specialization: 'automotive_service' });
  await createVersion(systemMeta, slug, { version: '1.0.0' });
  return slug;
}

async function start(slug: string) {
  const res = await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }));
  expect(res.status).toBe(202);
  return res.body.jobId as string;
}

async function statusOf(id: string) {
  return (await h.api('GET', `/training/${id}/status`)).body;
}

/** Lines of one stage attempt as stored, oldest first. */
const stored = async (pipelineId: string, stage: TrainingStageName, attempt = 1) =>
  (await db.select({ line: trainingLogs.line }).from(trainingLogs).where(and(eq(trainingLogs.pipelineId, pipelineId), eq(trainingLogs.stage, stage), eq(trainingLogs.attempt, attempt))).orderBy(asc(trainingLogs.id))).map((r) => r.line);

const countsOf = async (pipelineId: string) => db.select().from(trainingLogCounts).where(eq(trainingLogCounts.pipelineId, pipelineId));

describe('training log retention', () => {
  it('keeps the newest lines of a running attempt as a trainer logs past the limit, and says what was pruned', async () => {
    const slug = await family();
    h.env.sim.settings.update({ gpusPerNode: 0 });
    try {
      const id = await start(slug);
      // Running, with the worker's own "started" line written: nothing else writes to this attempt now.
      await waitFor('sft to run', async () => (await stored(id, 'sft')).some((l) => l.includes('started')), 20_000, 50);
      const prepareBefore = await stored(id, 'prepare');
      expect(prepareBefore.length).toBeGreaterThan(0);
      const all = await stored(id, 'sft');
      const trainer = h.apiAs(issueJobToken({ pipelineId: id, stage: 'sft', attempt: 1 }));
      // 350 lines in batches of 70, each batch flushed: the limit is crossed mid-run, then at every batch.
      for (let b = 0; b < 5; b++) {
        const lines = Array.from({ length: 70 }, (_, i) => `line ${b * 70 + i}`);
        const res = await trainer('POST', '/trainer/events', { events: lines.map((line) => ({ type: 'log', line })) });
        expect(res.status).toBe(202);
        await flushTrainerEvents();
        all.push(...lines);
        // Exactly the attempt's newest LIMIT lines (all of them while under it): none older, none missing.
        expect(await stored(id, 'sft')).toEqual(all.slice(-LIMIT));
      }
      const sftLines = await stored(id, 'sft');
      expect(sftLines).toHaveLength(LIMIT);
      expect(sftLines.at(-1)).toBe('line 349');
      // Another attempt's lines (prepare) are untouched.
      expect(await stored(id, 'prepare')).toEqual(prepareBefore);

      const sftCounts = (await countsOf(id)).find((c) => c.stage === 'sft')!;
      expect(sftCounts.lines - sftCounts.pruned).toBe(LIMIT);
      const logs = await h.api('GET', `/training/${id}/logs?limit=50`);
      expect(logs.status).toBe(200);
      expect(logs.body.lines).toHaveLength(50);
      expect(logs.body.lines.at(-1)).toMatchObject({ stage: 'sft', attempt: 1, line: 'line 349' });
      expect(logs.body.prunedLines).toBe(sftCounts.pruned);
      expect(logs.body.totalLines).toBe(prepareBefore.length + sftCounts.lines);
      expect(logs.body.summary).toBe(`showing last 50 of ${logs.body.totalLines.toLocaleString('en-US')} lines; ${sftCounts.pruned} older lines pruned`);
      expect(logs.body.retention).toEqual({ maxLinesPerAttempt: LIMIT, retentionDays: 30 });

      // The maintenance pass leaves a running run's newest lines alone, whatever its retention window.
      expect(await pruneTrainingLogs({ retentionDays: 1 })).toEqual({ overLimit: 0, expired: 0 });
      expect(await stored(id, 'sft')).toEqual(sftLines);
      expect((await h.api('POST', `/training/${id}/cancel`, {})).status).toBe(200);
    } finally {
      h.env.sim.settings.update({ gpusPerNode: 2 });
    }
  }, 60_000);

  it('never prunes below the newest lines when writers race on one attempt, and keeps the counts exact', async () => {
    const pipelineId = randomUUID();
    const batch = (w: number) => Array.from({ length: 30 }, (_, i) => ({ pipelineId, stage: 'sft' as const, attempt: 1, line: `w${w}-${i}` }));
    await Promise.all(Array.from({ length: 10 }, (_, w) => writeLogLines(batch(w))));
    const rows = await db.select({ id: trainingLogs.id }).from(trainingLogs).where(eq(trainingLogs.pipelineId, pipelineId)).orderBy(asc(trainingLogs.id));
    const [counts] = await countsOf(pipelineId);
    expect(counts.lines).toBe(300);
    expect(counts.lines - counts.pruned).toBe(rows.length);
    // Racing writers may leave a little over the limit for the next write to trim; never under it.
    expect(rows.length).toBeGreaterThanOrEqual(LIMIT);
    await writeLogLines([{ pipelineId, stage: 'sft', attempt: 1, line: 'last' }]);
    expect(await stored(pipelineId, 'sft')).toHaveLength(LIMIT);
    expect((await stored(pipelineId, 'sft')).at(-1)).toBe('last');
  });

  it('the maintenance job cuts attempts down to a lowered limit and deletes the logs of runs finished more than D days ago', async () => {
    const slug = await family();
    const [old, recent] = [await start(slug), await start(slug)];
    for (const id of [old, recent]) await waitFor(`pipeline ${id} to finish`, async () => ['succeeded', 'failed'].includes((await statusOf(id)).status), 60_000, 100);
    // A trainer's last lines may still be buffered (accepted just before its attempt ended): write them now.
    await flushTrainerEvents();
    // Lines written under a higher limit, then the limit is lowered to LIMIT.
    await writeLogLines(Array.from({ length: 150 }, (_, i) => ({ pipelineId: recent, stage: 'evaluate' as const, attempt: 1, line: `eval ${i}` })), db, 1_000);
    const evalBefore = await stored(recent, 'evaluate');
    expect(evalBefore.length).toBeGreaterThan(LIMIT);
    const oldLines = (await countsOf(old)).reduce((n, c) => n + c.lines, 0);
    expect(oldLines).toBeGreaterThan(0);
    await db.update(trainingPipelines).set({ finishedAt: sql`now() - interval '31 days'` }).where(eq(trainingPipelines.id, old));
    await db.update(trainingPipelines).set({ finishedAt: sql`now() - interval '29 days'` }).where(eq(trainingPipelines.id, recent));
    const recentBefore = (await db.select({ id: trainingLogs.id }).from(trainingLogs).where(eq(trainingLogs.pipelineId, recent))).length;
    // Every attempt in this database over the limit (other test files' runs included) is cut down.
    const overLimit = (await db.select().from(trainingLogCounts)).reduce((n, c) => n + Math.max(0, c.lines - c.pruned - LIMIT), 0);
    expect(overLimit).toBeGreaterThanOrEqual(evalBefore.length - LIMIT);

    // Through the queue and the real processor, as the hourly schedule runs it.
    const job = await enqueue('maintenance', 'prune-training-logs', {}, { jobId: `prune-${randomUUID()}` });
    const done = await waitFor('the maintenance job', async () => {
      const j = await getQueue('maintenance').getJob(job.id!);
      return j?.finishedOn ? j : null;
    }, 20_000, 50);
    expect(done.failedReason).toBeUndefined();
    expect(done.returnvalue).toEqual({ overLimit, expired: oldLines });

    // The old run: no lines left, its counts say so.
    expect(await db.select({ id: trainingLogs.id }).from(trainingLogs).where(eq(trainingLogs.pipelineId, old))).toHaveLength(0);
    expect((await countsOf(old)).every((c) => c.pruned === c.lines)).toBe(true);
    const oldLogs = (await h.api('GET', `/training/${old}/logs`)).body;
    expect(oldLogs).toMatchObject({ lines: [], totalLines: oldLines, prunedLines: oldLines, summary: `all ${oldLines} lines pruned (logs are kept 30 days after a run finishes)` });

    // The recent run keeps its logs, its evaluate attempt cut to the newest LIMIT.
    expect(await stored(recent, 'evaluate')).toEqual(evalBefore.slice(-LIMIT));
    expect((await db.select({ id: trainingLogs.id }).from(trainingLogs).where(eq(trainingLogs.pipelineId, recent))).length).toBe(recentBefore - (evalBefore.length - LIMIT));
    const recentLogs = (await h.api('GET', `/training/${recent}/logs`)).body;
    expect(recentLogs.prunedLines).toBe(evalBefore.length - LIMIT);
    expect(recentLogs.summary).toBe(`showing last ${recentLogs.lines.length} of ${recentLogs.totalLines} lines; ${evalBefore.length - LIMIT} older lines pruned`);

    // Idempotent: a second run finds nothing to do.
    expect(await pruneTrainingLogs()).toEqual({ overLimit: 0, expired: 0 });
  }, 120_000);
});
