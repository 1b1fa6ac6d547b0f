import { logger } from '@/server/logger';
import { enqueue } from '@/server/queue/factory';

/**
 * Announces, after commit, that a family's alias moved (promotion or approved rollback), so that
 * other domains can follow it (deployments redeploys production) without the registry knowing
 * them. Best effort: the move stands even when the queue is unreachable; the failure is logged.
 */
export async function announceAliasMove(input: { familyId: string; stage: 'staging' | 'production'; version: string; reason?: string | null }) {
  try {
    await enqueue('deployments', 'alias-moved', { familyId: input.familyId, stage: input.stage, version: input.version, ...(input.reason ? { reason: input.reason.slice(0, 1000) } : {}) });
  } catch (err) {
    logger.warn({ err, ...input }, 'could not announce the alias move; deployments will not follow it');
  }
}
