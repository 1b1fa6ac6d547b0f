import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../index';
import { T } from '../resources';
import type { NewObject, Stored } from '../store/types';
import { startCallbackReceiver } from '../testing/callback-receiver';
import { fastOptions } from '../testing/fast-options';
import { waitFor } from '../testing/wait-for';

let sim: Simulator;
const ns = 'neuroweaver';

beforeAll(async () => {
  sim = await startSimulator(fastOptions());
  sim.store.create(T.secrets, { metadata: { name: 'job-token', namespace: ns }, data: { token: Buffer.from('tok-123').toString('base64') } });
});
afterAll(() => sim.stop());

interface JobInput {
  name: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

function createJob({ name, env = [], annotations, spec = {}, config = { totalSteps: 50, simDurationSeconds: 20, simReports: 10 } }: JobInput): void {
  const job: NewObject = {
    metadata: { name, namespace: ns },
    spec: {
      backoffLimit: 0,
      ...spec,
      selector: { matchLabels: { 'job-name': name } },
      template: {
        metadata: { labels: { 'job-name': name }, annotations },
        spec: {
          restartPolicy: 'Never',
          containers: [{
            name: 'trainer', image: 'neuroweaver/trainer:1',
            env: [{ name: 'NW_STAGE', value: 'sft' }, { name: 'NW_CONFIG', value: JSON.stringify(config) }, ...env],
            resources: { limits: { 'nvidia.com/gpu': '1' } },
          }],
        },
      },
    },
  };
  sim.store.create(T.jobs, job);
}

const job = (name: string) => sim.store.get<Stored<IJob>>(T.jobs, ns, name);
const podsOf = (name: string) => sim.store.list<Stored<IPod>>(T.pods, { namespace: ns, labelSelector: `job-name=${name}` });
const condition = (name: string, type: string) => job(name)?.status?.conditions?.find((c) => c.type === type && c.status === 'True');
const eventReasons = (name: string) => sim.store.list(T.events, { namespace: ns, fieldSelector: `involvedObject.name=${name}` }).map((e) => e.reason as string);

describe('Job lifecycle with the simulated trainer', () => {
  it('trains, POSTs the contract events with the job token, and completes', async () => {
    const receiver = await startCallbackReceiver();
    try {
      createJob({ name: 'ok', env: [{ name: 'NW_CALLBACK_URL', value: `${receiver.url}/api/v1/trainer/events/ok` }, { name: 'NW_JOB_TOKEN', valueFrom: { secretKeyRef: { name: 'job-token', key: 'token' } } }] });
      await waitFor('Complete', () => condition('ok', 'Complete'));
      const events = receiver.events;
      expect(events.every((e) => e.authorization === 'Bearer tok-123' && e.path === '/api/v1/trainer/events/ok')).toBe(true);
      // Events sent together (a step's progress and metrics) or while a request is in flight leave as one batch.
      expect(receiver.accepted()).toBeLessThan(events.length);
      const bodies = events.map((e) => e.body);
      const progress = bodies.filter((b) => b.type === 'progress');
      expect(progress[0]).toEqual({ type: 'progress', progress: 0, step: 0, totalSteps: 50 });
      expect(progress.at(-1)).toEqual({ type: 'progress', progress: 1, step: 50, totalSteps: 50 });
      expect(progress.map((p) => p.progress as number)).toEqual([...progress.map((p) => p.progress as number)].sort((a, b) => a - b));
      const loss = bodies.filter((b) => b.type === 'metric' && b.name === 'loss').map((b) => b.value as number);
      expect(loss).toHaveLength(10);
      expect(loss[0]).toBeGreaterThan(loss.at(-1)! + 0.5);
      expect(bodies.some((b) => b.type === 'log' && String(b.line).includes('stage=sft'))).toBe(true);
      const artifact = bodies.find((b) => b.type === 'artifact')!;
      expect(artifact).toMatchObject({ uri: `s3://neuroweaver-artifacts/${ns}/ok/sft/`, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(bodies.indexOf(artifact)).toBeGreaterThan(bodies.indexOf(progress.at(-1)!));
      const j = job('ok')!;
      expect(j.status).toMatchObject({ succeeded: 1, active: 0 });
      expect(j.status?.completionTime).toBeDefined();
      const [pod] = podsOf('ok');
      expect(pod.status?.phase).toBe('Succeeded');
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'ok', controller: true });
      expect(pod.metadata.labels).toMatchObject({ 'job-name': 'ok' });
      expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
      expect(sim.podLogs.read(ns, pod.metadata.name, 'trainer').map((l) => l.text)).toContain('[sim-trainer] training finished');
      expect(eventReasons('ok')).toEqual(['SuccessfulCreate', 'Completed']);
    } finally {
      await receiver.close();
    }
  });

  it('retries failing callbacks and survives an unreachable callback URL', async () => {
    const receiver = await startCallbackReceiver({ failFirst: 2 });
    try {
      createJob({ name: 'retry', env: [{ name: 'NW_CALLBACK_URL', value: receiver.url }] });
      createJob({ name: 'unreachable', env: [{ name: 'NW_CALLBACK_URL', value: 'http://127.0.0.1:9/events' }] });
      await waitFor('both complete', () => condition('retry', 'Complete') && condition('unreachable', 'Complete'));
      expect(receiver.attempts()).toBe(receiver.accepted() + 2);
      expect(receiver.events[0].body).toMatchObject({ type: 'log' });
      expect(receiver.events.some((e) => e.body.type === 'artifact')).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('fails with OOMKilled (exit 137) on every retry until backoffLimit', async () => {
    createJob({ name: 'oom', annotations: { 'sim.neuroweaver.dev/fail': 'OOMKilled' }, spec: { backoffLimit: 1 } });
    await waitFor('Failed', () => condition('oom', 'Failed'));
    expect(condition('oom', 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    const pods = podsOf('oom');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.status?.phase).toBe('Failed');
      expect(p.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    }
    expect(job('oom')!.status?.failed).toBe(2);
    expect(eventReasons('oom')).toEqual(['SuccessfulCreate', 'SuccessfulCreate', 'BackoffLimitExceeded']);
  });

  it('keeps an ImagePullBackOff pod Pending until activeDeadlineSeconds fails the job', async () => {
    createJob({ name: 'pull', annotations: { 'sim.neuroweaver.dev/fail': 'ImagePullBackOff' }, spec: { activeDeadlineSeconds: 60 } });
    const pod = await waitFor('ImagePullBackOff', () => podsOf('pull').find((p) => p.status?.containerStatuses?.[0].state?.waiting?.reason === 'ImagePullBackOff'));
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.containerStatuses?.[0].state?.waiting?.message).toBe('Back-off pulling image "neuroweaver/trainer:1"');
    await waitFor('DeadlineExceeded', () => condition('pull', 'Failed'));
    expect(condition('pull', 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(podsOf('pull')).toHaveLength(0);
    const podEvents = sim.store.list(T.events, { namespace: ns, fieldSelector: `involvedObject.name=${pod.metadata.name}` }).map((e) => e.reason);
    expect(podEvents).toEqual(expect.arrayContaining(['Pulling', 'Failed', 'BackOff']));
  });

  it('fails the job at once when podFailurePolicy matches the exit code', async () => {
    createJob({
      name: 'badcfg', annotations: { 'sim.neuroweaver.dev/fail': 'Error', 'sim.neuroweaver.dev/exit-code': '3' },
      spec: { backoffLimit: 6, podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [2, 3] } }] } },
    });
    await waitFor('Failed', () => condition('badcfg', 'Failed'));
    const pods = podsOf('badcfg');
    expect(pods).toHaveLength(1);
    expect(condition('badcfg', 'Failed')).toMatchObject({ reason: 'PodFailurePolicy', message: `Container trainer for pod ${ns}/${pods[0].metadata.name} failed with exit code 3 matching FailJob rule at index 0` });
    expect(sim.podLogs.read(ns, pods[0].metadata.name, 'trainer').map((l) => l.text)).toContain('Traceback (most recent call last):');
  });

  it('retries after a failed attempt and then succeeds', async () => {
    createJob({ name: 'flaky', annotations: { 'sim.neuroweaver.dev/fail': 'Error', 'sim.neuroweaver.dev/fail-attempts': '1' }, spec: { backoffLimit: 2 } });
    await waitFor('Complete', () => condition('flaky', 'Complete'));
    expect(job('flaky')!.status).toMatchObject({ succeeded: 1, failed: 1 });
    expect(podsOf('flaky').map((p) => p.status?.phase).sort()).toEqual(['Failed', 'Succeeded']);
  });

  it('evicts pods when the simulator-wide setting says so', async () => {
    sim.settings.update({ jobFailure: 'Evicted' });
    try {
      createJob({ name: 'evicted' });
      await waitFor('Failed', () => condition('evicted', 'Failed'));
    } finally {
      sim.settings.update({ jobFailure: 'none' });
    }
    const [pod] = podsOf('evicted');
    expect(pod.status).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
    expect(pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'TerminationByKubelet' });
  });

  it('deletes a finished job and its pods after ttlSecondsAfterFinished', async () => {
    createJob({ name: 'ttl', spec: { ttlSecondsAfterFinished: 2 } });
    await waitFor('Complete', () => condition('ttl', 'Complete'));
    await waitFor('deleted', () => !job('ttl'));
    expect(podsOf('ttl')).toHaveLength(0);
  });

  it('waits with CreateContainerConfigError while the token Secret is missing', async () => {
    createJob({ name: 'nosecret', env: [{ name: 'NW_JOB_TOKEN', valueFrom: { secretKeyRef: { name: 'later', key: 'token' } } }] });
    const pod = await waitFor('config error', () => podsOf('nosecret').find((p) => p.status?.containerStatuses?.[0].state?.waiting?.reason === 'CreateContainerConfigError'));
    expect(pod.status?.containerStatuses?.[0].state?.waiting?.message).toBe('secret "later" not found');
    sim.store.create(T.secrets, { metadata: { name: 'later', namespace: ns }, data: { token: Buffer.from('x').toString('base64') } });
    await waitFor('Complete', () => condition('nosecret', 'Complete'));
  });
});
