import { type Param, sql } from 'drizzle-orm';

/**
 * `rows` as one array parameter per column, for `select … from unnest($1::uuid[], $2::text[], …)`: a batch of
 * any size is one statement whose text and parameter count do not grow with it (building a multi-row VALUES
 * list value by value cost more CPU than the database spent running it). `col('name')` is that column.
 */
export function arrayColumns<T>(rows: readonly T[]): <K extends keyof T>(key: K) => Param {
  return (key) => sql.param(rows.map((r) => r[key]));
}
