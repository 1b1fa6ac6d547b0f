import { runLiftSnapshotRound } from '@/server/ab/lift-snapshot-round';
import { logger } from '@/server/logger';
import type { QueueProcessor } from '../register';

/** A/B tests: the periodic lift snapshots of every running test (one schedule for all of them). */
export const abProcessor: QueueProcessor<'ab'> = async ({ name }) => {
  switch (name) {
    case 'lift-snapshot-round': {
      const round = await runLiftSnapshotRound();
      if (round.due) logger.debug(round, 'lift snapshot round');
      return round;
    }
    default:
      return assertNever(name);
  }
};

function assertNever(value: never): never {
  throw new Error(`Unhandled job ${String(value)}`);
}
