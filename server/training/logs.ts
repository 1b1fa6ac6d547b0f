import { type SQL, sql } from 'drizzle-orm';
import { arrayColumns } from '@/db/array-columns';
import { db, type DbOrTx, relaxedDb } from '@/db/client';
import type { TrainingStageName } from '@/db/schema/training';
import { trainingSettings } from './settings';

/*
 * Training log lines and their retention. Each stage attempt keeps its newest `maxLinesPerAttempt` lines
 * (NEUROWEAVER_TRAINING_LOG_MAX_LINES): whoever writes lines deletes, in the same breath, as many of the
 * attempt's oldest lines as it pushed over the limit. That is one statement per write batch (an ingest
 * flush, a worker-stage line), never one per line, and costs in proportion to the lines written: the
 * oldest lines are found through the (pipeline, stage, attempt, id) index. `training_log_counts` counts
 * the lines written and pruned per attempt, updated in the same statements, so the tail can say how much
 * is gone without counting rows. Logs of pipelines finished more than `retentionDays` ago are deleted by
 * the maintenance worker (./log-retention.ts).
 */

export interface LogLine {
  pipelineId: string;
  stage: TrainingStageName;
  attempt: number;
  line: string;
}

export interface AttemptRow extends Record<string, unknown> {
  pipeline_id: string;
  stage: TrainingStageName;
  attempt: number;
}

/** Most lines written by one statement. */
export const LOG_LINES_PER_STATEMENT = 2_000;
const attemptOrder = (a: AttemptRow, b: AttemptRow) => a.pipeline_id.localeCompare(b.pipeline_id) || a.stage.localeCompare(b.stage) || a.attempt - b.attempt;

/**
 * CTEs that append the rows of `source` (VALUES or a SELECT of pipeline_id, stage, attempt, line) to the log
 * and count them: `${name}` returns each attempt written with the lines it now `kept`. Callers put them in a
 * larger statement (a state change and its log line in one round trip) and pass what it returned to
 * `pruneOverLimit`. Counts are upserted in key order, so concurrent writers lock them in the same order.
 */
export function appendLogLinesCte(name: string, source: SQL): SQL {
  const inserted = sql.identifier(`${name}_lines`);
  return sql`${inserted} as (
      insert into training_logs (pipeline_id, stage, attempt, line) ${source}
      returning pipeline_id, stage, attempt
    ), ${sql.identifier(name)} as (
      insert into training_log_counts as c (pipeline_id, stage, attempt, lines)
      select pipeline_id, stage, attempt, count(*) from ${inserted} group by 1, 2, 3 order by 1, 2, 3
      on conflict (pipeline_id, stage, attempt) do update set lines = c.lines + excluded.lines
      returning pipeline_id, stage, attempt, lines - pruned as kept
    )`;
}

/** `lines` as the source of `appendLogLinesCte` (one array parameter per column). */
export function logLinesSource(lines: readonly LogLine[]): SQL {
  const col = arrayColumns(lines);
  return sql`select * from unnest(${col('pipelineId')}::uuid[], ${col('stage')}::training_stage_name[], ${col('attempt')}::int[], ${col('line')}::text[])`;
}

/** Prunes the attempts an append left over the limit (rows as returned by `appendLogLinesCte`). */
export async function pruneOverLimit(written: readonly (AttemptRow & { kept: string | number })[], executor: DbOrTx = relaxedDb, maxLinesPerAttempt = trainingSettings().logs.maxLinesPerAttempt): Promise<void> {
  const over = written.filter((r) => Number(r.kept) > maxLinesPerAttempt);
  if (over.length) await pruneAttempts(over, maxLinesPerAttempt, executor);
}

/**
 * Appends lines (in one statement per 2,000) and counts them; then prunes each attempt that went over the
 * limit. Pass a transaction to write with it (a state change and its log line commit together); on their
 * own, log lines are written without waiting for the disk flush (db/client.ts, relaxedDb): a line lost in a
 * crash of the database server is a line of a progress log, never a state.
 */
export async function writeLogLines(lines: readonly LogLine[], executor: DbOrTx = relaxedDb, maxLinesPerAttempt = trainingSettings().logs.maxLinesPerAttempt): Promise<void> {
  const written = new Map<string, AttemptRow & { kept: string }>();
  for (let i = 0; i < lines.length; i += LOG_LINES_PER_STATEMENT) {
    const source = logLinesSource(lines.slice(i, i + LOG_LINES_PER_STATEMENT));
    const { rows } = await executor.execute<AttemptRow & { kept: string }>(sql`with ${appendLogLinesCte('counted', source)} select * from counted`);
    for (const r of rows) written.set(`${r.pipeline_id}/${r.stage}/${r.attempt}`, r);
  }
  await pruneOverLimit([...written.values()], executor, maxLinesPerAttempt);
}

/**
 * Deletes the oldest lines of each given attempt beyond its newest `keep`; returns how many. The excess
 * and the lines to delete come from one snapshot, so writers racing on an attempt can leave it a little
 * over `keep` (the next write trims it) but never under. The count rows are locked first, in key order, so
 * such writers take turns instead of deleting the same lines in different orders (a deadlock).
 */
export async function pruneAttempts(attempts: readonly AttemptRow[], keep: number, executor: DbOrTx = db): Promise<number> {
  if (!attempts.length) return 0;
  const keys = sql.join(
    [...attempts].sort(attemptOrder).map((a) => sql`(${a.pipeline_id}::uuid, ${a.stage}::training_stage_name, ${a.attempt}::int)`),
    sql`, `,
  );
  const { rows } = await executor.execute<{ deleted: string | null }>(sql`
    with c as (
      select pipeline_id, stage, attempt, lines - pruned - ${keep}::bigint as excess
      from training_log_counts
      where (pipeline_id, stage, attempt) in (${keys}) and lines - pruned > ${keep}::bigint
      order by 1, 2, 3
      for update
    ), del as (
      delete from training_logs where id in (
        select old.id from c cross join lateral (
          select t.id from training_logs t
          where t.pipeline_id = c.pipeline_id and t.stage = c.stage and t.attempt = c.attempt
          order by t.id limit c.excess
        ) old
      )
      returning pipeline_id, stage, attempt
    ), n as (
      select pipeline_id, stage, attempt, count(*) as n from del group by 1, 2, 3
    ), counted as (
      update training_log_counts u set pruned = u.pruned + n.n
      from n where u.pipeline_id = n.pipeline_id and u.stage = n.stage and u.attempt = n.attempt
      returning n.n
    )
    select sum(n)::text as deleted from counted`);
  return Number(rows[0]?.deleted ?? 0);
}

export interface LogCounts {
  /** Lines written over the pipeline's life. */
  total: number;
  /** Lines of those deleted by retention. */
  pruned: number;
}

export async function logCounts(pipelineId: string): Promise<LogCounts> {
  const { rows } = await db.execute<{ total: string; pruned: string }>(
    sql`select coalesce(sum(lines), 0)::text as total, coalesce(sum(pruned), 0)::text as pruned from training_log_counts where pipeline_id = ${pipelineId}::uuid`,
  );
  return { total: Number(rows[0].total), pruned: Number(rows[0].pruned) };
}

const n = (v: number) => v.toLocaleString('en-US');
const plural = (v: number, word: string) => `${n(v)} ${word}${v === 1 ? '' : 's'}`;

/**
 * What the logs tail shows, in words, e.g. "showing last 200 of 12,345 lines; 2,345 older lines pruned".
 * The UI prints it as is; REST clients get it next to the numbers.
 */
export function describeLogTail(shown: number, counts: LogCounts, retentionDays: number): string {
  const { total, pruned } = counts;
  if (total === 0) return 'no log lines yet';
  if (shown === 0 && pruned >= total) return `all ${plural(total, 'line')} pruned (logs are kept ${plural(retentionDays, 'day')} after a run finishes)`;
  const head = shown >= total ? `showing all ${plural(total, 'line')}` : `showing last ${n(shown)} of ${plural(total, 'line')}`;
  return pruned > 0 ? `${head}; ${n(pruned)} older ${pruned === 1 ? 'line' : 'lines'} pruned` : head;
}
