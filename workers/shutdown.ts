import { logger } from '@/server/logger';

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0 (1 if a step threw). A second signal exits at once:
 * jobs still running are abandoned, and their expired locks hand them to another worker as stalled.
 */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for jobs in flight');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: letting jobs in flight finish (send the signal again to force)');
    stop().then(
      () => {
        logger.info('workers stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
