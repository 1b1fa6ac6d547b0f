import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
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
const globalForDb = globalThis as unknown as { __nwDb?: DbHandle };

export function createDb(url: string, max: number): DbHandle {
  const pool = new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
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

/** The process-wide database. Lazily connected so importing this module never needs configuration. */
export const db: Database = new Proxy({} as Database, {
  get(_target, prop, receiver) {
    const real = handle().db as unknown as Record<PropertyKey, unknown>;
    const value = Reflect.get(real, prop, receiver);
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});

export async function closeDb() {
  const h = globalForDb.__nwDb;
  globalForDb.__nwDb = undefined;
  await h?.pool.end();
}

export { schema };
