import { and, asc, desc, eq, gt, lt, or, sql, type SQL } from 'drizzle-orm';
import { db } from '@/db/client';
import { trainingLogs, trainingMetrics, trainingPipelines, trainingStageAttempts, trainingStages } from '@/db/schema/training';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError, NotFoundError, ValidationError } from '@/server/errors';
import { getFamily } from '@/server/registry/families';
import type { PipelineConfig } from './config';
import { deleteStageJob, enqueueStage } from './dispatch';
import { forgetRunning } from './ingest';
import { getWinRate } from './judge/win-rate-view';
import { publishPipelineChanged } from './live-channel';
import { describeLogTail, logCounts } from './logs';
import type { ListPipelinesInput, MetricsQuery } from './schemas';
import { trainingSettings } from './settings';
import { stageKind, stagesFor, type StageName } from './stages';
import { appendLog, type NextStage, type PipelineRow, queuedForAttempt, type StageRow } from './transitions';
import { parsePipelineConfig } from './validate-config';

const STAGE_WEIGHT = (s: StageName) => (stageKind(s) === 'gpu' ? 3 : 1);

/** Overall progress 0–1: finished stages count whole, the running one by its own progress, weighted (GPU stages ×3). */
export function overallProgress(stages: Pick<StageRow, 'stage' | 'status' | 'progress'>[]): number {
  let total = 0;
  let done = 0;
  for (const s of stages) {
    const w = STAGE_WEIGHT(s.stage as StageName);
    if (s.status === 'skipped') continue;
    total += w;
    if (s.status === 'succeeded') done += w;
    else if (s.status === 'running') done += w * s.progress;
  }
  return total ? Math.round((done / total) * 1e4) / 1e4 : 0;
}

function summary(p: PipelineRow) {
  const cfg = p.config as unknown as PipelineConfig;
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    family: p.familySlug,
    baseModel: cfg.baseModel,
    rlaif: p.rlaif,
    currentStage: p.currentStage,
    fallbackReason: p.fallbackReason,
    errorCode: p.errorCode,
    error: p.error,
    resultVersion: p.resultVersion,
    resultVersionId: p.resultVersionId,
    createdBy: p.createdByLabel,
    createdAt: p.createdAt,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
  };
}

/**
 * POST /training/start: validates the config (shared schema + GPU fit), checks the family, writes the
 * pipeline and its stages and the audit event in one transaction, then enqueues `prepare`. Web
 * requests only enqueue; workers do the rest.
 */
export async function startPipeline(meta: RequestMeta, input: unknown): Promise<{ jobId: string }> {
  const config = parsePipelineConfig(input);
  let familySlug: string;
  if (config.family.mode === 'existing') {
    try {
      familySlug = (await getFamily(config.family.ref)).slug;
    } catch (error) {
      if (error instanceof NotFoundError) throw new ValidationError(`Model family "${config.family.ref}" does not exist; pick an existing family or create a new one`, 'family.ref');
      throw error;
    }
  } else {
    familySlug = config.family.slug;
  }
  const stages = stagesFor(config.rlaif.enabled);
  const name = config.name || `${familySlug} · ${config.baseModel}`;
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(trainingPipelines)
      .values({
        name,
        status: 'running',
        config: config as unknown as Record<string, unknown>,
        familySlug,
        rlaif: config.rlaif.enabled,
        currentStage: stages[0],
        createdById: meta.actor.id,
        createdByLabel: meta.actor.label,
        startedAt: sql`now()`,
      })
      .returning({ id: trainingPipelines.id });
    await tx.insert(trainingStages).values(stages.map((stage, position) => ({ pipelineId: row.id, stage, position, status: position === 0 ? ('queued' as const) : ('pending' as const), attempt: position === 0 ? 1 : 0 })));
    await recordAudit(tx, meta, { action: 'training.start', targetType: 'training_pipeline', targetId: row.id, targetLabel: name, summary: { family: familySlug, baseModel: config.baseModel, rlaif: config.rlaif.enabled, bump: config.bump, stages } });
    return row.id;
  });
  publishPipelineChanged(id, 'state');
  await enqueueStage({ pipelineId: id, stage: stages[0], attempt: 1 }, config.priority);
  return { jobId: id };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = (id: string) => new NotFoundError(`Training pipeline ${id} does not exist`, 'job_id');

async function loadPipeline(id: string): Promise<PipelineRow> {
  if (!UUID.test(id)) throw notFound(id);
  const [row] = await db.select().from(trainingPipelines).where(eq(trainingPipelines.id, id));
  if (!row) throw new NotFoundError(`Training pipeline ${id} does not exist`, 'job_id');
  return row;
}

/** GET /training/{id}/status: the stage, each stage's status, overall progress, latest metrics, error. */
export async function getPipelineStatus(id: string) {
  const p = await loadPipeline(id);
  const stages = await db.select().from(trainingStages).where(eq(trainingStages.pipelineId, id)).orderBy(asc(trainingStages.position));
  const latest = await db
    .selectDistinctOn([trainingMetrics.stage, trainingMetrics.name], { stage: trainingMetrics.stage, name: trainingMetrics.name, value: trainingMetrics.value, step: trainingMetrics.step })
    .from(trainingMetrics)
    .where(eq(trainingMetrics.pipelineId, id))
    .orderBy(trainingMetrics.stage, trainingMetrics.name, desc(trainingMetrics.attempt), desc(trainingMetrics.step), desc(trainingMetrics.id));
  const latestMetrics: Record<string, Record<string, number>> = {};
  for (const m of latest) (latestMetrics[m.stage] ??= {})[m.name] = m.value;
  const judgeWinRate = await getWinRate(id);
  const register = stages.find((s) => s.stage === 'register');
  const reg = (register?.status === 'succeeded' ? register.result : {}) as { versionId?: string; version?: string; family?: string };
  return {
    ...summary(p),
    config: p.config,
    progress: p.status === 'succeeded' ? 1 : overallProgress(stages),
    result: reg.version ? { family: reg.family ?? p.familySlug, version: reg.version, versionId: reg.versionId ?? null } : null,
    stages: stages.map((s) => ({
      stage: s.stage,
      kind: stageKind(s.stage as StageName),
      status: s.status,
      attempt: s.attempt,
      jobName: s.jobName,
      progress: s.progress,
      step: s.step,
      totalSteps: s.totalSteps,
      waiting: s.waiting,
      errorCode: s.errorCode,
      error: s.error,
      result: s.result,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
    })),
    latestMetrics,
    judgeWinRate,
  };
}

const encodeCursor = (createdAt: Date, id: string) => Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at);
  if (!id || Number.isNaN(createdAt.getTime())) throw new ValidationError('cursor: is not a cursor returned by this API', 'cursor');
  return { createdAt, id };
}

/** GET /training: newest first, keyset-paginated, optionally one status. */
export async function listPipelines(input: ListPipelinesInput) {
  const where: SQL[] = [];
  if (input.status) where.push(eq(trainingPipelines.status, input.status));
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    where.push(or(lt(trainingPipelines.createdAt, c.createdAt), and(eq(trainingPipelines.createdAt, c.createdAt), lt(trainingPipelines.id, c.id)))!);
  }
  const rows = await db
    .select()
    .from(trainingPipelines)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(trainingPipelines.createdAt), desc(trainingPipelines.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const ids = page.map((p) => p.id);
  const stageRows = ids.length
    ? await db.select({ pipelineId: trainingStages.pipelineId, stage: trainingStages.stage, status: trainingStages.status, progress: trainingStages.progress }).from(trainingStages).where(sql`${trainingStages.pipelineId} in ${ids}`)
    : [];
  return {
    items: page.map((p) => {
      const own = stageRows.filter((s) => s.pipelineId === p.id);
      return { ...summary(p), progress: p.status === 'succeeded' ? 1 : overallProgress(own) };
    }),
    nextCursor: rows.length > input.limit ? encodeCursor(page[page.length - 1].createdAt, page[page.length - 1].id) : null,
  };
}

/** GET /training/{id}/metrics: every metric point, oldest first, per stage and name. */
export async function getPipelineMetrics(id: string, query: MetricsQuery = {}) {
  await loadPipeline(id);
  const where: SQL[] = [eq(trainingMetrics.pipelineId, id)];
  if (query.stage) where.push(eq(trainingMetrics.stage, query.stage));
  if (query.after !== undefined) where.push(gt(trainingMetrics.id, query.after));
  const rows = await db
    .select({ id: trainingMetrics.id, stage: trainingMetrics.stage, attempt: trainingMetrics.attempt, name: trainingMetrics.name, step: trainingMetrics.step, value: trainingMetrics.value, at: trainingMetrics.at })
    .from(trainingMetrics)
    .where(and(...where))
    .orderBy(asc(trainingMetrics.id))
    .limit(20_000);
  return { points: rows, lastId: rows.length ? rows[rows.length - 1].id : (query.after ?? 0) };
}

/**
 * The newest `limit` log lines, oldest first, with how many lines the run wrote and how many of the oldest
 * retention pruned (./logs.ts), also in words for the UI.
 */
export async function getPipelineLogs(id: string, limit = 200) {
  await loadPipeline(id);
  const [rows, counts] = await Promise.all([
    db
      .select({ id: trainingLogs.id, stage: trainingLogs.stage, attempt: trainingLogs.attempt, line: trainingLogs.line, at: trainingLogs.at })
      .from(trainingLogs)
      .where(eq(trainingLogs.pipelineId, id))
      .orderBy(desc(trainingLogs.id))
      .limit(limit),
    logCounts(id),
  ]);
  const retention = trainingSettings().logs;
  return { lines: rows.reverse(), totalLines: counts.total, prunedLines: counts.pruned, summary: describeLogTail(rows.length, counts, retention.retentionDays), retention };
}

/**
 * Cancel: marks the pipeline cancelled and its queued/running stage cancelled (one transaction, audited),
 * then deletes the running stage's Job. Completed stages keep their results. A finished run → 409.
 */
export async function cancelPipeline(meta: RequestMeta, id: string, reason?: string) {
  const running = await db.transaction(async (tx) => {
    if (!UUID.test(id)) throw notFound(id);
    const [p] = await tx.select().from(trainingPipelines).where(eq(trainingPipelines.id, id)).for('update');
    if (!p) throw notFound(id);
    if (p.status !== 'running' && p.status !== 'queued') throw new ConflictError(`Pipeline is ${p.status}; only a queued or running pipeline can be cancelled`, 'status');
    const active = await tx
      .update(trainingStages)
      .set({ status: 'cancelled', waiting: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(trainingStages.pipelineId, id), sql`${trainingStages.status} in ('queued', 'running')`))
      .returning();
    for (const s of active) {
      await tx.insert(trainingStageAttempts).values({ pipelineId: id, stage: s.stage, attempt: s.attempt, status: 'cancelled', jobName: s.jobName, startedAt: s.startedAt }).onConflictDoNothing();
      await appendLog(id, s.stage as StageName, s.attempt, `[neuroweaver] cancelled by ${meta.actor.label}${reason ? `: ${reason}` : ''}`, tx);
    }
    await tx.update(trainingPipelines).set({ status: 'cancelled', finishedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(trainingPipelines.id, id));
    await recordAudit(tx, meta, { action: 'training.cancel', targetType: 'training_pipeline', targetId: id, targetLabel: p.name, summary: { stages: active.map((s) => s.stage), ...(reason ? { reason } : {}) } });
    return active;
  });
  forgetRunning();
  publishPipelineChanged(id, 'state', 'logs');
  // After the commit: a stage job that starts now finds the pipeline cancelled and does nothing.
  for (const s of running) {
    if (stageKind(s.stage as StageName) === 'gpu' && s.attempt > 0) await deleteStageJob({ pipelineId: id, stage: s.stage, attempt: s.attempt });
  }
  return getPipelineStatus(id);
}

/**
 * Retry a failed or cancelled pipeline from the stage that failed (or was cancelled): that stage gets its
 * next attempt; the stages after it, which never ran, wait again. Completed stages are kept.
 */
export async function retryPipeline(meta: RequestMeta, id: string) {
  const next = await db.transaction(async (tx): Promise<NextStage> => {
    if (!UUID.test(id)) throw notFound(id);
    const [p] = await tx.select().from(trainingPipelines).where(eq(trainingPipelines.id, id)).for('update');
    if (!p) throw notFound(id);
    if (p.status !== 'failed' && p.status !== 'cancelled') throw new ConflictError(`Pipeline is ${p.status}; only a failed or cancelled pipeline can be retried`, 'status');
    const stages = await tx.select().from(trainingStages).where(eq(trainingStages.pipelineId, id)).orderBy(asc(trainingStages.position));
    // The stage that stopped the run: the current one, else the first that did not succeed.
    const from = stages.find((s) => s.stage === p.currentStage && (s.status === 'failed' || s.status === 'cancelled')) ?? stages.find((s) => s.status === 'failed' || s.status === 'cancelled' || s.status === 'pending' || s.status === 'queued');
    if (!from) throw new ConflictError('Nothing to retry: every stage succeeded', 'status');
    const attempt = from.attempt + 1;
    await tx.execute(sql`update training_stages set ${queuedForAttempt(sql`${attempt}::int`)} where pipeline_id = ${id}::uuid and stage = ${from.stage}::training_stage_name`);
    const later = stages.filter((s) => s.position > from.position && (s.status === 'cancelled' || s.status === 'queued')).map((s) => s.stage);
    if (later.length) await tx.update(trainingStages).set({ status: 'pending', updatedAt: sql`now()` }).where(and(eq(trainingStages.pipelineId, id), sql`${trainingStages.stage} in ${later}`));
    await tx
      .update(trainingPipelines)
      .set({ status: 'running', currentStage: from.stage, errorCode: null, error: null, finishedAt: null, updatedAt: sql`now()` })
      .where(eq(trainingPipelines.id, id));
    await appendLog(id, from.stage as StageName, attempt, `[neuroweaver] retried from ${from.stage} by ${meta.actor.label} (attempt ${attempt})`, tx);
    await recordAudit(tx, meta, { action: 'training.retry', targetType: 'training_pipeline', targetId: id, targetLabel: p.name, summary: { stage: from.stage, attempt } });
    return { pipelineId: id, stage: from.stage as StageName, attempt };
  });
  forgetRunning();
  publishPipelineChanged(id, 'state', 'logs');
  await enqueueStage(next);
  return getPipelineStatus(id);
}
