import { closeDb } from '@/db/client';
import { logger } from '@/server/logger';
import { closeQueues } from '@/server/queue/factory';
import { closeRedis } from '@/server/queue/redis';
import { applySchedules } from '@/server/queue/schedules';
import { appVersion } from '@/server/system/version';
import { type HeartbeatHandle, startHeartbeat } from './heartbeat';
import { deploymentsProcessor } from './processors/deployments';
import { maintenanceProcessor } from './processors/maintenance';
import { closeWorkers, register, registeredQueues } from './register';
import { onShutdown } from './shutdown';

/** Registers every processor, schedules repeating jobs, starts the heartbeat, and wires graceful shutdown. */
export async function startWorkers(): Promise<void> {
  const running: { heartbeat?: HeartbeatHandle } = {};
  // Installed first so a signal during start-up still closes connections cleanly.
  onShutdown(async () => {
    // Dropped first: a draining process takes no new jobs, so it should not count as a live worker.
    await running.heartbeat?.stop();
    await closeWorkers();
    await closeQueues();
    await closeDb();
    await closeRedis();
  });

  register('maintenance', maintenanceProcessor, { concurrency: 1 });
  // Rounds never overlap within a process (runHealthRound skips); the second slot serves redeploys meanwhile.
  register('deployments', deploymentsProcessor, { concurrency: 2 });

  await applySchedules(registeredQueues());
  running.heartbeat = await startHeartbeat();
  logger.info({ queues: registeredQueues(), version: appVersion, pid: process.pid }, 'workers ready');
}
