import { redeployForAlias } from '@/server/deployments/recovery';
import { runHealthRound } from '@/server/deployments/health/monitor';
import { logger } from '@/server/logger';
import type { QueueProcessor } from '../register';

/** The health monitor's rounds (one schedule for every deployment) and redeploys after alias moves. */
export const deploymentsProcessor: QueueProcessor<'deployments'> = async ({ name, payload, meta }) => {
  switch (name) {
    case 'health-round': {
      const round = await runHealthRound(meta);
      if (!round) return { skipped: 'a round is still running' };
      if (round.checked) logger.debug({ checked: round.checked, ms: Math.round(round.ms), actions: round.actions }, 'health round');
      return { checked: round.checked, ms: Math.round(round.ms), actions: round.actions };
    }
    case 'alias-moved':
      return redeployForAlias(meta, payload);
    default:
      return assertNever(name);
  }
};

function assertNever(value: never): never {
  throw new Error(`Unhandled job ${String(value)}`);
}
