import { and, eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { arrayColumns } from '@/db/array-columns';
import { db, relaxedDb } from '@/db/client';
import { trainingMetrics, trainingPipelines, trainingStages } from '@/db/schema/training';
import { ForbiddenError, UnauthorizedError } from '@/server/errors';
import { logger } from '@/server/logger';
import { type TokenSubject, verifyJobToken } from './job-token';
import { type LiveKind, type PipelineChange, publishPipelineChanges } from './live-channel';
import { appendLogLinesCte, type AttemptRow, LOG_LINES_PER_STATEMENT, type LogLine, logLinesSource, pruneOverLimit, writeLogLines } from './logs';

/*
 * POST /api/v1/trainer/events: progress, metrics, log lines and artifacts from trainer containers
 * (docs/trainer-contract.md). Hot path (thousands of events/s), so:
 *  - the token is an HMAC checked without the database (./job-token.ts); whether its stage attempt is
 *    still running is read from the database at most every RUNNING_TTL_MS per attempt;
 *  - progress, metric and log events are buffered and written in batches every FLUSH_MS (one
 *    statement for metrics, log lines and each attempt's newest progress);
 *  - an artifact is written at once (the stage's result; the Job finishes only after it was accepted).
 * Out-of-order progress (a step lower than the one stored) is ignored; events for an attempt that is
 * not running are refused with 403, a wrong token with 401; a malformed event with 422.
 * Open pipeline pages hear of each written batch: one notice per batch naming its pipelines, not one per event.
 */

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
export const trainerEventSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('progress'), progress: finite.min(0).max(1), step: z.number().int().min(0).optional(), totalSteps: z.number().int().min(0).optional() }),
    z.object({ type: z.literal('metric'), name: z.string().regex(/^[A-Za-z0-9_.\-/]{1,64}$/, 'metric names are 1–64 characters of letters, digits, _ . - /'), value: finite, step: z.number().int().min(0) }),
    z.object({ type: z.literal('log'), line: z.string().max(8_000) }),
    z.object({ type: z.literal('artifact'), uri: z.string().min(1).max(2048).regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, 'must be a URI'), sha256: z.string().regex(/^[a-f0-9]{64}$/, 'must be 64 lowercase hex characters') }),
  ],
  { error: 'type must be one of progress, metric, log, artifact' },
);
export type TrainerEvent = z.infer<typeof trainerEventSchema>;

/** One event, or up to 1,000 in `{events: [...]}`. */
export const trainerEventsBodySchema = z.union([trainerEventSchema, z.object({ events: z.array(trainerEventSchema).min(1).max(1_000) })]);
export type TrainerEventsBody = z.infer<typeof trainerEventsBodySchema>;

const RUNNING_TTL_MS = 500;
/** Tokens whose signature was checked already (a trainer sends the same one with every event). */
const verifiedTokens = new Map<string, TokenSubject>();
const FLUSH_MS = 50;
const MAX_BUFFER = 5_000;

const log = logger.child({ component: 'trainer-events' });

type Key = string;
const keyOf = (s: TokenSubject): Key => `${s.pipelineId}/${s.stage}/${s.attempt}`;

const runningCache = new Map<Key, { running: boolean; until: number; pending?: Promise<boolean> }>();

async function isRunning(s: TokenSubject): Promise<boolean> {
  const key = keyOf(s);
  const now = Date.now();
  const hit = runningCache.get(key);
  if (hit && hit.until > now) return hit.running;
  if (hit?.pending) return hit.pending;
  const pending = (async () => {
    const [row] = await db
      .select({ status: trainingStages.status, attempt: trainingStages.attempt, pipelineStatus: trainingPipelines.status })
      .from(trainingStages)
      .innerJoin(trainingPipelines, eq(trainingPipelines.id, trainingStages.pipelineId))
      .where(and(eq(trainingStages.pipelineId, s.pipelineId), eq(trainingStages.stage, s.stage)));
    const running = !!row && row.pipelineStatus === 'running' && row.status === 'running' && row.attempt === s.attempt;
    runningCache.set(key, { running, until: Date.now() + RUNNING_TTL_MS });
    if (runningCache.size > 10_000) runningCache.clear();
    return running;
  })();
  runningCache.set(key, { running: hit?.running ?? false, until: 0, pending });
  try {
    return await pending;
  } catch (error) {
    runningCache.delete(key);
    throw error;
  }
}

/** Drops the cached "running" answer of an attempt (tests; after a transition in this process). */
export function forgetRunning(): void {
  runningCache.clear();
}

interface Progress extends TokenSubject {
  progress: number;
  step: number | null;
  totalSteps: number | null;
}

interface Buffer {
  metrics: (typeof trainingMetrics.$inferInsert)[];
  logs: LogLine[];
  progress: Map<Key, Progress>;
}
let buffer: Buffer = { metrics: [], logs: [], progress: new Map() };
let flushTimer: NodeJS.Timeout | undefined;
let flushing: Promise<void> = Promise.resolve();

function scheduleFlush() {
  if (buffer.metrics.length + buffer.logs.length >= MAX_BUFFER) {
    void flushTrainerEvents();
    return;
  }
  flushTimer ??= setTimeout(() => void flushTrainerEvents(), FLUSH_MS);
}

/** Writes what is buffered (also called by tests and on shutdown). */
export function flushTrainerEvents(): Promise<void> {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const batch = buffer;
  buffer = { metrics: [], logs: [], progress: new Map() };
  flushing = flushing.then(() => writeBatch(batch)).catch((err) => log.error({ err }, 'writing trainer events failed'));
  return flushing;
}

/*
 * A batch is written in ONE statement whatever its size (one array per column: db/array-columns.ts): its
 * metrics, its log lines and every attempt's newest progress, each a part of the statement (a WITH query);
 * during a burst of stage transitions every statement less is a database wake-up less for the processes
 * that move the pipelines. Acknowledged before they are written (buffered above), so relaxed durability
 * loses nothing promised.
 */
async function writeBatch(batch: Buffer) {
  const parts: SQL[] = [];
  if (batch.metrics.length) parts.push(sql`metrics as (${insertMetrics(batch.metrics)})`);
  // More lines than one statement takes (a flood from one trainer) go on their own, in chunks.
  const linesInline = batch.logs.length > 0 && batch.logs.length <= LOG_LINES_PER_STATEMENT;
  if (linesInline) parts.push(appendLogLinesCte('logged', logLinesSource(batch.logs)));
  if (batch.progress.size) parts.push(updateProgress([...batch.progress.values()]));
  const work: Promise<unknown>[] = [];
  if (parts.length) {
    work.push(
      relaxedDb
        .execute<AttemptRow & { kept: string }>(sql`with ${sql.join(parts, sql`, `)} ${linesInline ? sql`select pipeline_id, stage, attempt, kept from logged` : sql`select null where false`}`)
        // Also prunes each attempt's oldest lines beyond the retention limit (./logs.ts).
        .then(({ rows }) => pruneOverLimit(rows)),
    );
  }
  if (batch.logs.length && !linesInline) work.push(writeLogLines(batch.logs));
  await Promise.all(work);
  publishPipelineChanges(changesIn(batch));
}

function insertMetrics(rows: Buffer['metrics']): SQL {
  const col = arrayColumns(rows);
  return sql`
    insert into training_metrics (pipeline_id, stage, attempt, name, step, value)
    select * from unnest(${col('pipelineId')}::uuid[], ${col('stage')}::training_stage_name[], ${col('attempt')}::int[], ${col('name')}::text[], ${col('step')}::int[], ${col('value')}::float8[])`;
}

/**
 * Each attempt's newest progress, only while it runs and never backwards (out of order: a step lower than
 * the one stored). The rows are locked in key order first, so two processes flushing the same attempts
 * take turns instead of deadlocking.
 */
function updateProgress(rows: Progress[]): SQL {
  const col = arrayColumns(rows);
  return sql`
    progress_in as (
      select * from unnest(${col('pipelineId')}::uuid[], ${col('stage')}::training_stage_name[], ${col('attempt')}::int[], ${col('progress')}::float8[], ${col('step')}::int[], ${col('totalSteps')}::int[])
        as x(pipeline_id, stage, attempt, progress, step, total_steps)
    ), progress_locked as (
      select s.pipeline_id, s.stage, x.progress, x.step, x.total_steps
      from training_stages s join progress_in x on x.pipeline_id = s.pipeline_id and x.stage = s.stage
      where s.attempt = x.attempt and s.status = 'running' and coalesce(s.step, -1) <= coalesce(x.step, ${2 ** 31 - 1})
      order by s.pipeline_id, s.stage
      for update of s
    ), progress as (
      update training_stages s
      set progress = l.progress, step = l.step, total_steps = l.total_steps, updated_at = now()
      from progress_locked l where s.pipeline_id = l.pipeline_id and s.stage = l.stage
    )`;
}

function changesIn(batch: Buffer): PipelineChange[] {
  const kinds = new Map<string, Set<LiveKind>>();
  const note = (id: string, kind: LiveKind) => {
    let set = kinds.get(id);
    if (!set) kinds.set(id, (set = new Set()));
    set.add(kind);
  };
  for (const m of batch.metrics) note(m.pipelineId, 'metrics');
  for (const l of batch.logs) note(l.pipelineId, 'logs');
  for (const p of batch.progress.values()) note(p.pipelineId, 'progress');
  return [...kinds].map(([id, set]) => ({ id, kinds: [...set] }));
}

function bearer(authorization: string | null): string | null {
  if (!authorization) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return m ? m[1] : null;
}

/** Authenticates the trainer's token and accepts its events; returns how many were accepted. */
export async function ingestTrainerEvents(authorization: string | null, body: TrainerEventsBody): Promise<{ accepted: number }> {
  const token = bearer(authorization);
  if (!token) throw new UnauthorizedError('A trainer job token is required: "Authorization: Bearer <NW_JOB_TOKEN>"');
  let subject = verifiedTokens.get(token);
  if (!subject) {
    subject = verifyJobToken(token) ?? undefined;
    if (subject) {
      if (verifiedTokens.size >= 10_000) verifiedTokens.clear();
      verifiedTokens.set(token, subject);
    }
  }
  if (!subject) throw new UnauthorizedError('The trainer job token is not valid');
  if (!(await isRunning(subject))) {
    throw new ForbiddenError(`The token's job (${subject.stage}, attempt ${subject.attempt}) is not running: its token has expired`);
  }
  const events = 'events' in body ? body.events : [body];
  const { pipelineId, stage, attempt } = subject;
  for (const e of events) {
    switch (e.type) {
      case 'metric':
        buffer.metrics.push({ pipelineId, stage, attempt, name: e.name, step: e.step, value: e.value });
        break;
      case 'log':
        buffer.logs.push({ pipelineId, stage, attempt, line: e.line });
        break;
      case 'progress': {
        const key = keyOf(subject);
        const prev = buffer.progress.get(key);
        const step = e.step ?? null;
        if (!prev || (step ?? Infinity) >= (prev.step ?? -1)) buffer.progress.set(key, { ...subject, progress: e.progress, step, totalSteps: e.totalSteps ?? prev?.totalSteps ?? null });
        break;
      }
      case 'artifact':
        // Everything this trainer sent before its artifact is written first: the Job completes right after,
        // and the next stages (register) read the final metrics.
        await flushTrainerEvents();
        await db
          .update(trainingStages)
          .set({ result: sql`${trainingStages.result} || ${JSON.stringify({ artifact: { uri: e.uri, sha256: e.sha256 } })}::jsonb`, updatedAt: sql`now()` })
          .where(and(eq(trainingStages.pipelineId, pipelineId), eq(trainingStages.stage, stage), eq(trainingStages.attempt, attempt), eq(trainingStages.status, 'running')));
        publishPipelineChanges([{ id: pipelineId, kinds: ['state'] }]);
        break;
    }
  }
  scheduleFlush();
  return { accepted: events.length };
}
