import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS } from '@/server/cluster';
import { podRestarts, readRollout } from './rollout';

const UID = 'deployment-uid';

function template(version: string) {
  return { metadata: { annotations: { [ANNOTATIONS.modelVersion]: version } }, spec: { containers: [{ name: 'vllm', image: 'vllm' }] } };
}

function deployment(version: string, o: { replicas: number; generation?: number; observed?: number; status?: Partial<NonNullable<IDeployment['status']>> }): IDeployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'm-staging', uid: UID, generation: o.generation ?? 1 },
    spec: { replicas: o.replicas, selector: { matchLabels: { app: 'm' } }, template: template(version) },
    status: {
      observedGeneration: o.observed ?? o.generation ?? 1,
      conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }],
      ...o.status,
    },
  };
}

function replicaSet(version: string, revision: number, o: { replicas: number; ready: number; owner?: string }): IReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `m-staging-${revision}`,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'm-staging', uid: o.owner ?? UID, controller: true }],
    },
    spec: { replicas: o.replicas, selector: { matchLabels: { app: 'm' } }, template: template(version) },
    status: { replicas: o.replicas, readyReplicas: o.ready },
  };
}

function pod(o: { restarts?: number; ready?: boolean; waiting?: string } = {}): IPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    status: {
      containerStatuses: [
        { name: 'vllm', image: 'vllm', imageID: '', ready: o.ready ?? true, restartCount: o.restarts ?? 0, state: o.waiting ? { waiting: { reason: o.waiting } } : { running: {} } },
      ],
    },
  };
}

describe('readRollout', () => {
  it('reads a finished rollout: everything updated and ready, the newest version served', () => {
    const view = readRollout(
      deployment('1.1.0', { replicas: 2, status: { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 } }),
      [replicaSet('1.0.0', 1, { replicas: 0, ready: 0 }), replicaSet('1.1.0', 2, { replicas: 2, ready: 2 })],
      [pod(), pod()],
    );
    expect(view).toMatchObject({ desired: 2, current: 2, updated: 2, ready: 2, available: 2, inProgress: false, progress: 1, rollingOut: null, serving: '1.1.0' });
    expect(view.versions).toEqual([{ version: '1.1.0', revision: 2, replicas: 2, ready: 2 }]);
    expect(view.conditions).toEqual([{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }]);
  });

  it('reads a rolling update half way: the old version serves, the new one rolls out, progress in between', () => {
    const view = readRollout(
      deployment('1.1.0', { replicas: 2, generation: 2, status: { replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 } }),
      [replicaSet('1.0.0', 1, { replicas: 2, ready: 2 }), replicaSet('1.1.0', 2, { replicas: 1, ready: 1 })],
      [pod(), pod(), pod()],
    );
    expect(view).toMatchObject({ desired: 2, current: 3, updated: 1, available: 3, inProgress: true, progress: 0.5, rollingOut: '1.1.0', serving: '1.0.0' });
    expect(view.versions.map((v) => [v.version, v.replicas, v.ready])).toEqual([['1.1.0', 1, 1], ['1.0.0', 2, 2]]);
  });

  it('reads the start of a rolling update: new pods not ready yet, progress 0', () => {
    const view = readRollout(
      deployment('1.1.0', { replicas: 1, generation: 2, status: { replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 } }),
      [replicaSet('1.0.0', 1, { replicas: 1, ready: 1 }), replicaSet('1.1.0', 2, { replicas: 1, ready: 0 })],
      [pod(), pod({ ready: false })],
    );
    expect(view).toMatchObject({ inProgress: true, progress: 0, rollingOut: '1.1.0', serving: '1.0.0' });
  });

  it('names the new version as rolling out before the controller has made its ReplicaSet', () => {
    // The Deployment's template is 1.1.0 (generation 2) but the controller has only seen generation 1.
    const view = readRollout(
      deployment('1.1.0', { replicas: 1, generation: 2, observed: 1, status: { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 } }),
      [replicaSet('1.0.0', 1, { replicas: 1, ready: 1 })],
      [pod()],
    );
    expect(view).toMatchObject({ inProgress: true, progress: 0, rollingOut: '1.1.0', serving: '1.0.0' });
  });

  it('keeps the old version as served while the newest ReplicaSet has no replica yet', () => {
    const view = readRollout(
      deployment('1.1.0', { replicas: 1, generation: 2, status: { replicas: 1, updatedReplicas: 0, readyReplicas: 1, availableReplicas: 1 } }),
      [replicaSet('1.0.0', 1, { replicas: 1, ready: 1 }), replicaSet('1.1.0', 2, { replicas: 0, ready: 0 })],
      [pod()],
    );
    expect(view).toMatchObject({ inProgress: true, progress: 0, rollingOut: '1.1.0', serving: '1.0.0' });
  });

  it('ignores ReplicaSets of other Deployments and reads a missing Deployment as nothing', () => {
    const foreign = replicaSet('9.9.9', 7, { replicas: 3, ready: 3, owner: 'someone-else' });
    const view = readRollout(
      deployment('1.0.0', { replicas: 1, status: { replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 } }),
      [foreign, replicaSet('1.0.0', 1, { replicas: 1, ready: 1 })],
      [pod()],
    );
    expect(view.versions.map((v) => v.version)).toEqual(['1.0.0']);
    expect(view.serving).toBe('1.0.0');
    expect(readRollout(null, [foreign], [])).toMatchObject({ desired: 0, inProgress: false, progress: 1, rollingOut: null, serving: null, versions: [], conditions: [] });
  });

  it('reports nothing served when no replica is ready', () => {
    const view = readRollout(deployment('1.0.0', { replicas: 1, status: { replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0 } }), [replicaSet('1.0.0', 1, { replicas: 1, ready: 0 })], [pod({ ready: false })]);
    expect(view).toMatchObject({ inProgress: true, progress: 0, serving: null });
  });
});

describe('podRestarts', () => {
  it('sums restarts and counts crash-looping containers', () => {
    expect(podRestarts([pod({ restarts: 2, ready: false, waiting: 'CrashLoopBackOff' }), pod({ restarts: 1, ready: true }), pod()])).toEqual({ restarts: 3, crashLooping: 1 });
  });
});
