import path from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { getEnvOrExit } from '@/server/env';
import { createDb } from './client';
import { ensureDatabase } from './database-admin';

export const migrationsFolder = path.join(__dirname, 'migrations');

/** Creates the database if missing and applies every committed migration. */
export async function migrateDatabase(url: string) {
  await ensureDatabase(url);
  const { db, pool } = createDb(url, 1);
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  const env = getEnvOrExit();
  migrateDatabase(env.DATABASE_URL)
    .then(() => console.log('database migrated'))
    .catch((error: Error) => {
      console.error(`migration failed: ${error.message}`);
      process.exit(1);
    });
}
