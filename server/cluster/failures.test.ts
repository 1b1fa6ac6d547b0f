import { describe, expect, it } from 'vitest';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { describeJobFailure, describePodFailure, jobFinished, jobHasCondition } from './failures';

type ContainerStatus = NonNullable<NonNullable<IPod['status']>['containerStatuses']>[number];

const pod = (status: IPod['status'], gpus = 1, created = '2026-01-01T00:00:00Z'): IPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', creationTimestamp: created },
  spec: { containers: [{ name: 'trainer', image: 'img:1', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }] },
  status,
});

const container = (over: Partial<ContainerStatus>): ContainerStatus => ({
  name: 'trainer',
  image: 'img:1',
  imageID: '',
  ready: false,
  restartCount: 0,
  ...over,
});

const job = (conditions: NonNullable<IJob['status']>['conditions'], over: Partial<IJob['spec']> = {}): IJob => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j' },
  spec: { template: { spec: { containers: [] } }, activeDeadlineSeconds: 7200, ...over },
  status: { conditions, failed: 3 },
});

describe('describePodFailure', () => {
  it('explains OOMKilled', () => {
    const p = pod({ phase: 'Failed', containerStatuses: [container({ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })] });
    expect(describePodFailure(p)).toEqual({ code: 'oom_killed', message: 'ran out of GPU/host memory (OOMKilled): lower batch size or sequence length' });
  });

  it('explains an OOM behind a crash loop', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [container({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })],
    });
    expect(describePodFailure(p)?.code).toBe('oom_killed');
  });

  it.each(['ImagePullBackOff', 'ErrImagePull'])('explains %s', (reason) => {
    const p = pod({ phase: 'Pending', containerStatuses: [container({ state: { waiting: { reason, message: 'manifest unknown' } } })] });
    const f = describePodFailure(p)!;
    expect(f.code).toBe('image_pull');
    expect(f.message).toMatch(/^image could not be pulled: check the image name and registry credentials/);
  });

  it('explains waiting for GPUs with the count', () => {
    const p = pod(
      {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.' }],
      },
      2,
    );
    expect(describePodFailure(p)).toEqual({ code: 'waiting_for_gpu', message: 'waiting for GPU: no node has 2 free nvidia.com/gpu' });
  });

  it('explains other scheduling problems', () => {
    const p = pod(
      { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: "0/4 nodes match the node selector" }] },
      0,
    );
    expect(describePodFailure(p)).toEqual({ code: 'unschedulable', message: 'cannot be scheduled: 0/4 nodes match the node selector' });
  });

  it('explains eviction', () => {
    const p = pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
    expect(describePodFailure(p)).toEqual({ code: 'evicted', message: 'evicted by the node: The node was low on resource: memory.' });
  });

  it('explains a crash loop with the last exit code', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [container({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } })],
    });
    expect(describePodFailure(p)).toEqual({ code: 'crash_loop', message: 'keeps crashing and is being restarted with back-off (CrashLoopBackOff); last run exited with code 1' });
  });

  it('explains non-zero exit codes, naming the trainer contract codes', () => {
    const exit = (code: number) => describePodFailure(pod({ phase: 'Failed', containerStatuses: [container({ state: { terminated: { exitCode: code, reason: 'Error' } } })] }));
    expect(exit(1)).toEqual({ code: 'exit_code', message: 'exited with code 1' });
    expect(exit(3)).toEqual({ code: 'exit_code', message: 'exited with code 3: invalid training configuration' });
    expect(exit(4)?.message).toContain('invalid dataset');
  });

  it('explains a missing Secret', () => {
    const p = pod({ phase: 'Pending', containerStatuses: [container({ state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "x-token" not found' } } })] });
    expect(describePodFailure(p)).toEqual({ code: 'config_error', message: 'container could not be created: secret "x-token" not found' });
  });

  it('says nothing about healthy pods', () => {
    expect(describePodFailure(pod({ phase: 'Running', containerStatuses: [container({ ready: true, state: { running: {} } })] }))).toBeNull();
    expect(describePodFailure(pod({ phase: 'Succeeded', containerStatuses: [container({ state: { terminated: { exitCode: 0, reason: 'Completed' } } })] }))).toBeNull();
    expect(describePodFailure(pod(undefined))).toBeNull();
  });
});

describe('describeJobFailure', () => {
  it('explains a deadline', () => {
    expect(describeJobFailure(job([{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }]))).toEqual({
      code: 'deadline_exceeded',
      message: 'ran longer than its deadline (2 h)',
    });
  });

  it('explains a FailJob exit code without retries', () => {
    const j = job([{ type: 'Failed', status: 'True', reason: 'PodFailurePolicy', message: 'Container trainer for pod ns/p failed with exit code 3 matching FailJob rule at index 0' }]);
    expect(describeJobFailure(j)).toEqual({ code: 'exit_code', message: 'exited with code 3: invalid training configuration; not retried' });
  });

  it('finds the cause of a backoff-limit failure in the newest pod', () => {
    const older = pod({ phase: 'Failed', containerStatuses: [container({ state: { terminated: { exitCode: 1 } } })] }, 1, '2026-01-01T00:00:00Z');
    const newer = pod({ phase: 'Failed', containerStatuses: [container({ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })] }, 1, '2026-01-01T01:00:00Z');
    const j = job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }]);
    expect(describeJobFailure(j, [older, newer])?.code).toBe('oom_killed');
    expect(describeJobFailure(j)).toEqual({ code: 'backoff_limit', message: 'failed 3 times and reached its retry limit' });
  });

  it('reports what blocks a running Job, but not a retried exit', () => {
    const waiting = pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient nvidia.com/gpu.' }] });
    expect(describeJobFailure(job([]), [waiting])?.code).toBe('waiting_for_gpu');
    const retried = pod({ phase: 'Failed', containerStatuses: [container({ state: { terminated: { exitCode: 1 } } })] });
    expect(describeJobFailure(job([]), [retried])).toBeNull();
  });

  it('says nothing about a completed Job', () => {
    expect(describeJobFailure(job([{ type: 'Complete', status: 'True' }]))).toBeNull();
  });
});

describe('jobHasCondition and jobFinished', () => {
  const withConditions = (...conditions: { type: string; status: string }[]): IJob => ({ apiVersion: 'batch/v1', kind: 'Job', status: { conditions } }) as IJob;

  it('reads only conditions whose status is True', () => {
    expect(jobHasCondition(withConditions({ type: 'Complete', status: 'True' }), 'Complete')).toBe(true);
    expect(jobHasCondition(withConditions({ type: 'Complete', status: 'False' }), 'Complete')).toBe(false);
    expect(jobHasCondition({ apiVersion: 'batch/v1', kind: 'Job' }, 'Failed')).toBe(false);
  });

  it('calls a Job finished once it completed or failed, not while it only suspends or fails a pod', () => {
    expect(jobFinished(withConditions({ type: 'Complete', status: 'True' }))).toBe(true);
    expect(jobFinished(withConditions({ type: 'Failed', status: 'True' }))).toBe(true);
    expect(jobFinished(withConditions({ type: 'Suspended', status: 'True' }, { type: 'FailureTarget', status: 'False' }))).toBe(false);
    expect(jobFinished(withConditions())).toBe(false);
  });
});
