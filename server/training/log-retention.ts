import { sql, type SQL } from 'drizzle-orm';
import { db } from '@/db/client';
import { pruneAttempts, type AttemptRow } from './logs';
import { trainingSettings, type LogRetention } from './settings';

const BATCH = 100;
/** Attempts whose logs are deleted per statement (each holds up to the per-attempt limit). */
const EXPIRE_BATCH = 20;

/**
 * The maintenance half of log retention (the write path keeps each attempt under its limit, ./logs.ts):
 *  - attempts still over the limit (it was lowered, or their lines predate retention) are cut down to it;
 *  - logs of pipelines that finished more than `retentionDays` ago are deleted; their counts stay, so the
 *    pipeline page says how many lines there were.
 * Never touches a running pipeline's logs beyond its attempts' newest lines. Idempotent.
 */
export async function pruneTrainingLogs(override: Partial<LogRetention> = {}): Promise<{ overLimit: number; expired: number }> {
  const { maxLinesPerAttempt, retentionDays } = { ...trainingSettings().logs, ...override };
  let overLimit = 0;
  let after: AttemptRow | null = null;
  for (;;) {
    // Keyset pagination: each attempt is visited once per run, whatever its pruning did.
    const cursor: SQL = after ? sql`and (pipeline_id, stage, attempt) > (${after.pipeline_id}::uuid, ${after.stage}::training_stage_name, ${after.attempt}::int)` : sql``;
    const { rows }: { rows: AttemptRow[] } = await db.execute<AttemptRow>(sql`
      select pipeline_id, stage, attempt from training_log_counts
      where lines - pruned > ${maxLinesPerAttempt}::bigint ${cursor}
      order by 1, 2, 3 limit ${BATCH}`);
    if (!rows.length) break;
    overLimit += await pruneAttempts(rows, maxLinesPerAttempt);
    after = rows[rows.length - 1];
  }

  let expired = 0;
  for (;;) {
    const { rows } = await db.execute<{ deleted: string; attempts: string }>(sql`
      with c as (
        select c.pipeline_id, c.stage, c.attempt from training_log_counts c
        join training_pipelines p on p.id = c.pipeline_id
        where p.status in ('succeeded', 'failed', 'cancelled') and p.finished_at < now() - make_interval(days => ${retentionDays}::int)
          and c.pruned < c.lines
        order by 1, 2, 3 limit ${EXPIRE_BATCH}
        for update of c
      ), del as (
        delete from training_logs t using c
        where t.pipeline_id = c.pipeline_id and t.stage = c.stage and t.attempt = c.attempt
        returning 1
      ), counted as (
        update training_log_counts u set pruned = u.lines
        from c where u.pipeline_id = c.pipeline_id and u.stage = c.stage and u.attempt = c.attempt
        returning 1
      )
      select (select count(*) from del)::text as deleted, (select count(*) from counted)::text as attempts`);
    expired += Number(rows[0].deleted);
    if (Number(rows[0].attempts) < EXPIRE_BATCH) break;
  }
  return { overLimit, expired };
}
