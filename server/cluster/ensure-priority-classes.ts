import { logger } from '@/server/logger';
import type { ClusterClient } from './client';
import { ClusterForbiddenError } from './errors';
import { Kinds } from './kinds';
import { buildTrainingPriorityClasses } from './manifests/priority-classes';

const log = logger.child({ component: 'cluster' });

/** One round trip per connection and process: a settled success is kept, a failure is tried again next time. */
const ensured = new WeakMap<ClusterClient, Promise<void>>();

/**
 * Makes sure the training PriorityClasses exist (server-side apply, so it is idempotent and several
 * workers may race). A Job naming a missing class never gets a pod (the API server refuses it), so a
 * dispatch waits for this. Creating cluster-scoped objects needs cluster-wide RBAC; where NeuroWeaver lacks
 * it, classes an administrator created beforehand (`kubectl apply`) are accepted as they are.
 */
export function ensureTrainingPriorityClasses(client: ClusterClient): Promise<void> {
  let pending = ensured.get(client);
  if (!pending) {
    pending = applyClasses(client);
    ensured.set(client, pending);
    pending.catch(() => ensured.delete(client));
  }
  return pending;
}

async function applyClasses(client: ClusterClient): Promise<void> {
  const classes = buildTrainingPriorityClasses();
  try {
    await Promise.all(classes.map((c) => client.apply(c)));
  } catch (error) {
    const found = await Promise.all(classes.map((c) => client.find(Kinds.PriorityClass, c.metadata!.name!)));
    const missing = classes.filter((_, i) => !found[i]).map((c) => c.metadata!.name!);
    if (missing.length === 0) {
      log.info({ err: error }, 'training PriorityClasses exist but could not be applied; using them as they are');
      return;
    }
    const why = error instanceof Error ? error.message : String(error);
    throw new ClusterForbiddenError(
      `PriorityClass ${missing.join(', ')} is missing and could not be created (${why}). Create the classes of server/cluster/manifests/priority-classes.ts with kubectl, or allow NeuroWeaver to apply scheduling.k8s.io priorityclasses.`,
    );
  }
}
