import type { SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgDialect, PreparedQueryConfig } from 'drizzle-orm/pg-core';
import { Pool, type QueryResult } from 'pg';
import { getEnv } from '@/server/env';
import * as schema from './schema';

export type Database = NodePgDatabase<typeof schema>;
/** A transaction handle; services accept either so callers can compose them in one transaction. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DbOrTx = Database | Tx;

interface DbHandle {
  pool: Pool;
  db: Database;
}

// Survives Next's hot reload in development so each reload does not open a new pool.
const globalForDb = globalThis as unknown as { __nwDb?: DbHandle; __nwRelaxedDb?: DbHandle };

/** Connections of the relaxed pool: its writes are small and come in batches. */
const RELAXED_POOL_MAX = 4;

export function createDb(url: string, max: number, options?: { relaxedDurability?: boolean }): DbHandle {
  const pool = new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000, ...(options?.relaxedDurability ? { options: '-c synchronous_commit=off' } : {}) });
  pool.on('error', () => {
    /* idle client errors (server restart) are surfaced on the next query instead */
  });
  return { pool, db: drizzle(pool, { schema, casing: 'snake_case' }) };
}

function handle(): DbHandle {
  const env = getEnv();
  globalForDb.__nwDb ??= createDb(env.DATABASE_URL, env.DATABASE_POOL_MAX);
  return globalForDb.__nwDb;
}

function relaxedHandle(): DbHandle {
  globalForDb.__nwRelaxedDb ??= createDb(getEnv().DATABASE_URL, RELAXED_POOL_MAX, { relaxedDurability: true });
  return globalForDb.__nwRelaxedDb;
}

/** A lazily connected database: importing this module never needs configuration. */
function lazyDatabase(get: () => DbHandle): Database {
  return new Proxy({} as Database, {
    get(_target, prop, receiver) {
      const real = get().db as unknown as Record<PropertyKey, unknown>;
      const value = Reflect.get(real, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
    },
  });
}

/** The process-wide database. */
export const db: Database = lazyDatabase(handle);

/**
 * The same database, through connections whose commits do not wait for the write-ahead log to reach
 * the disk (`synchronous_commit = off`): still atomic and at once visible to everyone, but a crash of the
 * database server (not of this process) can lose the last fraction of a second of them. Only for writes
 * whose loss costs nothing but a redo and that nobody was promised were stored: caches, progress, and
 * trainer telemetry that was acknowledged before it was written anyway. Under a burst, waiting for the
 * disk on each of thousands of such commits held up the state transitions queued behind them.
 */
export const relaxedDb: Database = lazyDatabase(relaxedHandle);

/**
 * A statement of the process-wide database built once per connection pool and run as a prepared statement:
 * on hot paths (a stage transition's claim) the query builder's work per call showed in profiles, and the
 * database also skips parsing and planning it again. `build` gets the pool's database and returns
 * `query.prepare(name)`; values come in through `sql.placeholder(...)`.
 */
export function prepared<T>(build: (database: Database) => T): () => T {
  const built = new WeakMap<DbHandle, T>();
  return () => {
    const h = handle();
    let statement = built.get(h);
    if (statement === undefined) built.set(h, (statement = build(h.db)));
    return statement;
  };
}

/**
 * Like `prepared`, for a statement written as SQL text (`sql\`...\``, values through `sql.placeholder(...)`):
 * the database parses and plans it once per connection instead of on every call. The stage transition's
 * multi-part statement took 1.3 ms of the database's CPU to plan and 1.9 ms to run (pg_stat_statements), on
 * every transition of a burst.
 */
export function preparedSql<Row extends Record<string, unknown>>(name: string, statement: SQL) {
  return prepared((database) => {
    // The dialect turns the SQL object into text and parameters exactly as `database.execute` does.
    const { dialect } = database as unknown as { dialect: PgDialect };
    return database._.session.prepareQuery<PreparedQueryConfig & { execute: QueryResult<Row> }>(dialect.sqlToQuery(statement), undefined, name, false);
  });
}

export async function closeDb() {
  const handles = [globalForDb.__nwDb, globalForDb.__nwRelaxedDb];
  globalForDb.__nwDb = undefined;
  globalForDb.__nwRelaxedDb = undefined;
  await Promise.all(handles.map((h) => h?.pool.end()));
}

export { schema };
