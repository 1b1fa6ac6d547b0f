import { describe, expect, it } from 'vitest';
import type { ClusterClient } from './client';
import { ensureTrainingPriorityClasses } from './ensure-priority-classes';
import { ClusterForbiddenError } from './errors';

/**
 * FIXTURE: a stand-in for a real cluster whose RBAC refuses cluster-scoped writes (the simulator has no
 * RBAC; the happy path runs against it in client.test.ts). `existing` are the classes an admin created.
 */
function restrictedCluster(existing: string[]) {
  const calls = { apply: 0, find: 0 };
  const client = {
    apply: async () => {
      calls.apply++;
      throw new ClusterForbiddenError('priorityclasses.scheduling.k8s.io is forbidden: User "system:serviceaccount:neuroweaver:neuroweaver" cannot patch resource "priorityclasses"');
    },
    find: async (_kind: unknown, name: string) => {
      calls.find++;
      return existing.includes(name) ? { metadata: { name } } : null;
    },
  } as unknown as ClusterClient;
  return { client, calls };
}

describe('ensureTrainingPriorityClasses without the right to create them', () => {
  it('accepts classes an administrator created', async () => {
    const { client, calls } = restrictedCluster(['neuroweaver-training-low', 'neuroweaver-training-normal', 'neuroweaver-training-high']);
    await expect(ensureTrainingPriorityClasses(client)).resolves.toBeUndefined();
    await ensureTrainingPriorityClasses(client);
    // Checked once per connection.
    expect(calls).toEqual({ apply: 3, find: 3 });
  });

  it('fails naming the missing classes and what to do, and tries again on the next dispatch', async () => {
    const { client, calls } = restrictedCluster(['neuroweaver-training-normal']);
    const error = await ensureTrainingPriorityClasses(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterForbiddenError);
    expect((error as Error).message).toMatch(/^PriorityClass neuroweaver-training-low, neuroweaver-training-high is missing and could not be created \(.*cannot patch resource "priorityclasses"\)\. Create the classes/);
    await expect(ensureTrainingPriorityClasses(client)).rejects.toBeInstanceOf(ClusterForbiddenError);
    expect(calls.apply).toBe(6);
  });
});
