import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { db, type DbOrTx, prepared, preparedSql, relaxedDb, type Tx } from '@/db/client';
import { trainingPipelines, trainingStageAttempts, trainingStages } from '@/db/schema/training';
import { publishPipelineChanged } from './live-channel';
import { tickBatch } from '@/server/tick-batch';
import { appendLogLinesCte, type AttemptRow, type LogLine, pruneOverLimit, writeLogLines } from './logs';
import { trainingJobNames } from '@/server/cluster';
import { GPU_STAGES, RLAIF_STAGES, type StageName } from './stages';

/*
 * The pipeline state machine. Every function here is ONE transaction that locks the pipeline row and
 * moves state only from the state it expects (stage attempt and status in the WHERE clause): a retried
 * BullMQ job, a watch event seen twice or a second worker racing this one finds nothing to move and
 * returns null, so each transition happens exactly once. The caller enqueues the returned next stage
 * after the commit; a lost enqueue (process killed in between) is repaired by `queuedStages()`
 * (the watcher re-enqueues them; BullMQ deduplicates on the job id). Each committed move also tells open
 * pipeline pages (./live-channel.ts), after the commit so that they read the new state.
 */

export type PipelineRow = typeof trainingPipelines.$inferSelect;
export type StageRow = typeof trainingStages.$inferSelect;

export interface NextStage {
  pipelineId: string;
  stage: StageName;
  attempt: number;
}

export interface Failure {
  code: string;
  message: string;
}

async function lockPipeline(tx: Tx, pipelineId: string): Promise<PipelineRow | null> {
  const [row] = await tx.select().from(trainingPipelines).where(eq(trainingPipelines.id, pipelineId)).for('update');
  return row ?? null;
}

async function stagesOf(tx: Tx, pipelineId: string): Promise<StageRow[]> {
  return tx.select().from(trainingStages).where(eq(trainingStages.pipelineId, pipelineId)).orderBy(asc(trainingStages.position));
}

async function recordAttempt(tx: Tx, stage: StageRow, status: StageRow['status'], failure?: Failure) {
  await tx
    .insert(trainingStageAttempts)
    .values({ pipelineId: stage.pipelineId, stage: stage.stage, attempt: stage.attempt, status, jobName: stage.jobName, errorCode: failure?.code ?? null, error: failure?.message ?? null, startedAt: stage.startedAt })
    .onConflictDoNothing();
}

/** What an attempt entering a stage clears of the previous attempt's traces. */
const clearedTraces = sql`progress = 0, step = null, total_steps = null, waiting = null, error_code = null, error = null, finished_at = null, updated_at = now()`;

/**
 * The SET list of a stage row queued for attempt `attempt`, its previous attempt's traces cleared: the one
 * definition of "queued" for every path that queues a stage (next stage, fallback, retry).
 */
export const queuedForAttempt = (attempt: SQL) => sql`status = 'queued', attempt = ${attempt}, job_name = null, started_at = null, ${clearedTraces}`;

/** The log line of a stage attempt that started: one text for both ways of starting one. */
const startedLine = (stage: StageName, attempt: number, jobName: string | null) => `[neuroweaver] stage ${stage} attempt ${attempt} started${jobName ? ` as Job ${jobName}` : ''}`;

/** Attempts of a GPU stage that `completeStage` can claim at once (see `claimableAttempts`). */
const CLAIMABLE_ATTEMPTS = 5;

/** A GPU stage attempt `completeStage` may claim: its Job name and the line its start logs. */
export interface ClaimableAttempt {
  job: string;
  started: string;
}

/**
 * Every GPU stage attempt that `completeStage` may claim as it queues it, keyed `stage:attempt`: Job names
 * are hashes (server/cluster), so the statement cannot derive them, and which stage comes next is only
 * known inside it. A later attempt (a pipeline retried more often) is queued and dispatched the ordinary way.
 */
export function claimableAttempts(pipelineId: string): Record<string, ClaimableAttempt> {
  const claimable: Record<string, ClaimableAttempt> = {};
  for (const stage of GPU_STAGES) {
    for (let attempt = 1; attempt <= CLAIMABLE_ATTEMPTS; attempt++) {
      const job = trainingJobNames({ pipelineId, stage, attempt }).job;
      claimable[`${stage}:${attempt}`] = { job, started: startedLine(stage, attempt, job) };
    }
  }
  return claimable;
}

/** Queues `stage` (its next attempt) and points the pipeline at it. */
async function queueStage(tx: Tx, stage: StageRow): Promise<NextStage> {
  const attempt = stage.attempt + 1;
  await tx.execute(sql`update training_stages set ${queuedForAttempt(sql`${attempt}::int`)} where pipeline_id = ${stage.pipelineId}::uuid and stage = ${stage.stage}::training_stage_name`);
  await tx.update(trainingPipelines).set({ currentStage: stage.stage, updatedAt: sql`now()` }).where(eq(trainingPipelines.id, stage.pipelineId));
  return { pipelineId: stage.pipelineId, stage: stage.stage as StageName, attempt };
}

/** Lines appended in one turn of the event loop, by any pipeline, go to the database in one statement. */
const appendLogBatched = tickBatch(async (lines: LogLine[]) => {
  await writeLogLines(lines);
  return lines.map(() => undefined);
});

/**
 * Appends a line to the pipeline's log tail (worker stages and state changes); `tx` writes it with a state
 * change. Without one, lines written in the same turn of the event loop (a burst of transitions, a worker
 * stage's progress) share one statement.
 */
export async function appendLog(pipelineId: string, stage: StageName, attempt: number, line: string, tx?: DbOrTx) {
  const entry = { pipelineId, stage, attempt, line: line.slice(0, 4000) };
  await (tx ? writeLogLines([entry], tx) : appendLogBatched(entry));
}

const claimQueuedStage = prepared((database) =>
  database
    .update(trainingStages)
    .set({ status: 'running', jobName: sql`${sql.placeholder('jobName')}`, startedAt: sql`now()`, updatedAt: sql`now()` })
    .from(trainingPipelines)
    .where(
      and(
        eq(trainingStages.pipelineId, sql.placeholder('pipelineId')),
        eq(trainingStages.stage, sql.placeholder('stage')),
        eq(trainingStages.attempt, sql.placeholder('attempt')),
        eq(trainingStages.status, 'queued'),
        eq(trainingPipelines.id, trainingStages.pipelineId),
        eq(trainingPipelines.status, 'running'),
      ),
    )
    .returning({ stage: trainingStages, pipeline: trainingPipelines })
    .prepare('training_claim_queued_stage'),
);

/**
 * queued → running for one stage attempt, in one statement (the dispatch path is latency-critical): the
 * stage row's lock serialises it with a cancel, which re-checks the same row. Null when the attempt is
 * not queued in a running pipeline; `alreadyRunning` when it was running already (a re-delivered job).
 * The "started" log line is written alongside whatever the caller does next: await `logged` before
 * finishing.
 */
export async function markStageRunning(pipelineId: string, stage: StageName, attempt: number, jobName: string | null): Promise<{ pipeline: PipelineRow; stage: StageRow; alreadyRunning: boolean; logged: Promise<void> } | null> {
  const [moved] = await claimQueuedStage().execute({ pipelineId, stage, attempt, jobName });
  if (moved) {
    const logged = appendLog(pipelineId, stage, attempt, startedLine(stage, attempt, jobName)).then(() => publishPipelineChanged(pipelineId, 'state', 'logs'));
    // Awaited by the caller; until then a failure must not surface as an unhandled rejection.
    logged.catch(() => undefined);
    return { ...moved, alreadyRunning: false, logged };
  }
  const state = await stageState(pipelineId, stage);
  if (!state || state.pipelineStatus !== 'running' || state.stage.attempt !== attempt || state.stage.status !== 'running') return null;
  const [pipeline] = await db.select().from(trainingPipelines).where(eq(trainingPipelines.id, pipelineId));
  return { pipeline, stage: state.stage, alreadyRunning: true, logged: Promise.resolve() };
}

/** A stage's outcome as the next stages' dispatch reads it (their inputs are earlier stages' results). */
export type StageResult = Pick<StageRow, 'stage' | 'status' | 'result'>;

/**
 * What the next stage's dispatch needs of its pipeline (./dispatch.ts), returned by `completeStage` so it is
 * not read again: `stages` is every stage's outcome as of that transition.
 */
export type CompletedPipeline = Pick<PipelineRow, 'id' | 'config' | 'familySlug'> & { stages?: StageResult[] };

/** `completeStage`'s one statement, prepared (planning it took longer than running it). */
const completeStageStatement = preparedSql<{ family_slug: string; config: Record<string, unknown>; next_stage: StageName | null; next_attempt: number | null; next_job: string | null; stages: StageResult[]; logged: (AttemptRow & { kept: string })[] | null }>(
  'training_complete_stage',
  sql`
    with p as (
      select id, family_slug, config from training_pipelines where id = ${sql.placeholder('pipelineId')}::uuid and status = 'running' for update
    ), done as (
      update training_stages s
      set status = 'succeeded', progress = 1, waiting = null, finished_at = now(), updated_at = now(), result = s.result || ${sql.placeholder('result')}::jsonb
      from p
      where s.pipeline_id = p.id and s.stage = ${sql.placeholder('stage')}::training_stage_name and s.attempt = ${sql.placeholder('attempt')}::int and s.status = 'running'
      returning s.pipeline_id, s.stage, s.attempt, s.job_name, s.started_at, s.result
    ), outcomes as (
      -- every stage's outcome after this statement, for the next stage's dispatch: the other stages as they
      -- stand (the one queued below is still 'pending' here, which no dispatch reads) and this one as completed
      select s.stage, s.status, s.result from training_stages s join done d on d.pipeline_id = s.pipeline_id where s.stage <> d.stage
      union all
      select stage, 'succeeded', result from done
    ), recorded as (
      insert into training_stage_attempts (pipeline_id, stage, attempt, status, job_name, started_at)
      select pipeline_id, stage, attempt, 'succeeded', job_name, started_at from done
      on conflict do nothing
    ), next as (
      select n.*, n.claimable ->> 'job' as job_name, n.claimable ->> 'started' as started_line
      from (
        select s.pipeline_id, s.stage, s.attempt + 1 as attempt, ${sql.placeholder('claim')}::jsonb -> (s.stage::text || ':' || (s.attempt + 1)) as claimable
        from training_stages s join done d on d.pipeline_id = s.pipeline_id
        where s.status = 'pending' order by s.position limit 1
      ) n
    ), queued as (
      update training_stages s
      set status = case when next.job_name is null then 'queued' else 'running' end::training_stage_status, attempt = next.attempt,
          job_name = next.job_name, started_at = case when next.job_name is null then null else now() end, ${clearedTraces}
      from next where s.pipeline_id = next.pipeline_id and s.stage = next.stage
      returning s.pipeline_id, s.stage, s.attempt, s.job_name
    ), moved as (
      update training_pipelines t
      set current_stage = (select stage from next),
          status = case when exists (select 1 from next) then t.status else 'succeeded' end,
          finished_at = case when exists (select 1 from next) then t.finished_at else now() end,
          result_version_id = coalesce(${sql.placeholder('registeredId')}::uuid, t.result_version_id),
          result_version = coalesce(${sql.placeholder('registeredVersion')}::text, t.result_version),
          updated_at = now()
      from done where t.id = done.pipeline_id
      returning t.id
    ), ${appendLogLinesCte(
      'logged',
      sql`select pipeline_id, stage, attempt, ${sql.placeholder('succeededLine')}::text from done
          union all
          select pipeline_id, stage, attempt, started_line from next where job_name is not null`,
    )}
    select p.family_slug, p.config, (select stage from queued) as next_stage, (select attempt from queued) as next_attempt, (select job_name from queued) as next_job,
           (select json_agg(outcomes) from outcomes) as stages, (select json_agg(logged) from logged) as logged
    from p join done on true cross join (select count(*) from moved) as m`,
);

/**
 * running → succeeded, then queues the next pending stage or finishes the pipeline. `result` is merged
 * into what the stage already holds (a GPU stage's artifact arrives earlier, as a trainer event).
 *
 * With `claim` (what `claimableAttempts` returns), a next stage that runs on the GPU is not queued but
 * claimed at once (running, under its Job name, "started" logged): the caller applies its Job next and
 * `next.claimed` says so. That is the watcher's path from one Job to the next, where the claim would
 * otherwise cost a statement of its own; the queued job the caller still enqueues finds the stage running
 * and only makes sure its Job exists (run-stage.ts).
 *
 * One statement, so one round trip on the way from a finished Job to the next one: it locks the pipeline
 * row first (`for update`, like every transition here), and each later part only acts on what the
 * previous returned. A pipeline no longer running, or an attempt no longer running, moves nothing.
 */
export async function completeStage(
  pipelineId: string,
  stage: StageName,
  attempt: number,
  result: Record<string, unknown> = {},
  claim?: Record<string, ClaimableAttempt>,
): Promise<{ next: (NextStage & { claimed: boolean }) | null; finished: boolean; pipeline: CompletedPipeline } | null> {
  const registered = typeof result.versionId === 'string' && typeof result.version === 'string' ? { id: result.versionId, version: result.version } : null;
  const { rows } = await completeStageStatement().execute({
    pipelineId, stage, attempt, result: JSON.stringify(result), claim: claim ? JSON.stringify(claim) : null,
    registeredId: registered?.id ?? null, registeredVersion: registered?.version ?? null, succeededLine: `[neuroweaver] stage ${stage} succeeded`,
  });
  const row = rows[0];
  if (!row) return null;
  if (row.logged) await pruneOverLimit(row.logged);
  publishPipelineChanged(pipelineId, 'state', 'logs', 'metrics');
  const next = row.next_stage && row.next_attempt !== null ? { pipelineId, stage: row.next_stage, attempt: row.next_attempt, claimed: row.next_job !== null } : null;
  return { next, finished: !next, pipeline: { id: pipelineId, familySlug: row.family_slug, config: row.config, stages: row.stages } };
}

/**
 * running/queued → failed. An RLAIF stage of a run that has not fallen back yet skips the other RLAIF
 * stages and queues `evaluate` (of the SFT model), recording why; any other failure fails the pipeline.
 */
export async function failStage(pipelineId: string, stage: StageName, attempt: number, failure: Failure): Promise<{ next: NextStage | null; fallback: boolean } | null> {
  const moved = await db.transaction(async (tx) => {
    const pipeline = await lockPipeline(tx, pipelineId);
    if (!pipeline || pipeline.status !== 'running') return null;
    const [failed] = await tx
      .update(trainingStages)
      .set({ status: 'failed', waiting: null, errorCode: failure.code, error: failure.message, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(trainingStages.pipelineId, pipelineId), eq(trainingStages.stage, stage), eq(trainingStages.attempt, attempt), inArray(trainingStages.status, ['queued', 'running'])))
      .returning();
    if (!failed) return null;
    await recordAttempt(tx, failed, 'failed', failure);
    await appendLog(pipelineId, stage, attempt, `[neuroweaver] stage ${stage} failed: ${failure.message}`, tx);

    if (pipeline.rlaif && RLAIF_STAGES.has(stage) && !pipeline.fallbackReason) {
      const reason = `RLAIF did not complete: ${stage} failed (${failure.message}); registered the SFT model instead`;
      const rest = await stagesOf(tx, pipelineId);
      const skip = rest.filter((s) => RLAIF_STAGES.has(s.stage as StageName) && s.status === 'pending').map((s) => s.stage);
      if (skip.length) {
        await tx
          .update(trainingStages)
          .set({ status: 'skipped', updatedAt: sql`now()` })
          .where(and(eq(trainingStages.pipelineId, pipelineId), inArray(trainingStages.stage, skip)));
      }
      await tx.update(trainingPipelines).set({ fallbackReason: reason, updatedAt: sql`now()` }).where(eq(trainingPipelines.id, pipelineId));
      const evaluate = rest.find((s) => s.stage === 'evaluate' && s.status === 'pending');
      if (evaluate) {
        await appendLog(pipelineId, stage, attempt, `[neuroweaver] falling back: ${reason}`, tx);
        return { next: await queueStage(tx, evaluate), fallback: true };
      }
    }
    await tx
      .update(trainingPipelines)
      .set({ status: 'failed', errorCode: failure.code, error: `${stage}: ${failure.message}`, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(trainingPipelines.id, pipelineId));
    return { next: null, fallback: false };
  });
  if (moved) publishPipelineChanged(pipelineId, 'state', 'logs');
  return moved;
}

/** Progress of a stage while it runs (worker stages; trainer progress comes through ./ingest.ts). */
export async function setStageProgress(pipelineId: string, stage: StageName, attempt: number, progress: number) {
  await relaxedDb
    .update(trainingStages)
    .set({ progress: Math.min(1, Math.max(0, progress)), updatedAt: sql`now()` })
    .where(and(eq(trainingStages.pipelineId, pipelineId), eq(trainingStages.stage, stage), eq(trainingStages.attempt, attempt), eq(trainingStages.status, 'running')));
  publishPipelineChanged(pipelineId, 'progress');
}

/** "waiting for GPU (2nd in queue)" or null, only while that attempt runs. */
export async function setStageWaiting(pipelineId: string, stage: StageName, attempt: number, waiting: string | null) {
  await relaxedDb
    .update(trainingStages)
    .set({ waiting, updatedAt: sql`now()` })
    .where(and(eq(trainingStages.pipelineId, pipelineId), eq(trainingStages.stage, stage), eq(trainingStages.attempt, attempt), eq(trainingStages.status, 'running')));
  publishPipelineChanged(pipelineId, 'state');
}

/** Stage attempts that are queued in running pipelines: what should be in the BullMQ queue. */
export async function queuedStages(): Promise<NextStage[]> {
  const rows = await db
    .select({ pipelineId: trainingStages.pipelineId, stage: trainingStages.stage, attempt: trainingStages.attempt })
    .from(trainingStages)
    .innerJoin(trainingPipelines, eq(trainingPipelines.id, trainingStages.pipelineId))
    .where(and(eq(trainingPipelines.status, 'running'), eq(trainingStages.status, 'queued')));
  return rows.map((r) => ({ ...r, stage: r.stage as StageName }));
}

/**
 * Running attempts of `stages` in running pipelines, with their Job names; with `startedMsAgo`, only those
 * that started at least that long ago.
 */
export async function runningStages(stages: readonly StageName[], startedMsAgo?: number): Promise<Array<NextStage & { jobName: string | null }>> {
  const rows = await db
    .select({ pipelineId: trainingStages.pipelineId, stage: trainingStages.stage, attempt: trainingStages.attempt, jobName: trainingStages.jobName })
    .from(trainingStages)
    .innerJoin(trainingPipelines, eq(trainingPipelines.id, trainingStages.pipelineId))
    .where(
      and(
        eq(trainingPipelines.status, 'running'),
        inArray(trainingStages.stage, [...stages]),
        eq(trainingStages.status, 'running'),
        startedMsAgo === undefined ? undefined : sql`${trainingStages.startedAt} <= now() - make_interval(secs => ${startedMsAgo / 1000})`,
      ),
    );
  return rows.map((r) => ({ ...r, stage: r.stage as StageName }));
}

/** The state of one stage attempt, for the event endpoint and the watcher. */
export async function stageState(pipelineId: string, stage: StageName): Promise<{ pipelineStatus: PipelineRow['status']; stage: StageRow } | null> {
  const [row] = await db
    .select({ pipelineStatus: trainingPipelines.status, stage: trainingStages })
    .from(trainingStages)
    .innerJoin(trainingPipelines, eq(trainingPipelines.id, trainingStages.pipelineId))
    .where(and(eq(trainingStages.pipelineId, pipelineId), eq(trainingStages.stage, stage)));
  return row ?? null;
}
