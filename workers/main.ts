import { closeDb } from '@/db/client';
import { logger } from '@/server/logger';
import { closeQueues } from '@/server/queue/factory';
import { closeRedis } from '@/server/queue/redis';
import { applySchedules } from '@/server/queue/schedules';
import { appVersion } from '@/server/system/version';
import { closeSimulatedJudge } from '@/server/training/judge';
import { TrainingWatcher } from '@/server/training/watcher';
import { type HeartbeatHandle, startHeartbeat } from './heartbeat';
import { abProcessor } from './processors/ab';
import { deploymentsProcessor } from './processors/deployments';
import { maintenanceProcessor } from './processors/maintenance';
import { trainingProcessor } from './processors/training';
import { closeWorkers, register, registeredQueues } from './register';
import { onShutdown } from './shutdown';

/** Registers every processor, schedules repeating jobs, starts the heartbeat, and wires graceful shutdown. */
export async function startWorkers(): Promise<void> {
  const running: { heartbeat?: HeartbeatHandle; training?: TrainingWatcher } = {};
  // Installed first so a signal during start-up still closes connections cleanly.
  onShutdown(async () => {
    // Dropped first: a draining process takes no new jobs, so it should not count as a live worker.
    await running.heartbeat?.stop();
    running.training?.stop();
    await closeWorkers();
    await closeSimulatedJudge();
    await closeQueues();
    await closeDb();
    await closeRedis();
  });

  register('maintenance', maintenanceProcessor, { concurrency: 1 });
  // Rounds never overlap within a process (runHealthRound skips); the second slot serves redeploys meanwhile.
  register('deployments', deploymentsProcessor, { concurrency: 2 });
  // Stage jobs are short (a worker stage, or applying a Job); a killed worker's job is taken over within ~10 s.
  register('training', trainingProcessor, { concurrency: 32, lockDuration: 10_000, stalledInterval: 5_000 });
  // One lift-snapshot round at a time; a round is a few small queries per running test.
  register('ab', abProcessor, { concurrency: 1 });

  await applySchedules(registeredQueues());
  // Follows training Jobs on the cluster and moves pipelines on (server/training/watcher.ts).
  running.training = new TrainingWatcher();
  await running.training.start();
  running.heartbeat = await startHeartbeat();
  logger.info({ queues: registeredQueues(), version: appVersion, pid: process.pid }, 'workers ready');
}
