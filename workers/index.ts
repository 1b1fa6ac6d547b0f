/**
 * Worker process entry: `tsx workers/index.ts` (npm run workers). Runs the BullMQ processors, separate from
 * the web process so a long job never holds up a request and each side scales on its own.
 */
import { getEnvOrExit } from '@/server/env';

// Set before anything loads the logger, which reads it once to label every line.
process.env.NW_SERVICE = 'worker';
// Up to 32 training jobs run at once, and a burst of finished Jobs means many short stage transitions each
// waiting for a connection: the worker's pool is larger than the web and API processes' unless set.
process.env.DATABASE_POOL_MAX ||= '20';
// A configuration error ends the process here with one line; it also loads .env.local into process.env.
getEnvOrExit();

// Loaded only now so the logger sees the final environment (DEBUG may come from .env.local).
import('./main')
  .then(({ startWorkers }) => startWorkers())
  .catch(async (err: unknown) => {
    const { logger } = await import('@/server/logger');
    logger.fatal({ err }, 'workers failed to start');
    process.exit(1);
  });
