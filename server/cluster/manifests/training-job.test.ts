import { describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ValidationError } from '@/server/errors';
import { LABELS } from './labels';
import { isValidLabelValue, isValidName } from './names';
import { TRAINING_PRIORITY_CLASSES } from './priority-classes';
import { buildJobTokenSecret, buildTrainingJob, trainingJobNames, TRAINER_EXIT_CODES, type TrainingClusterConfig, type TrainingJobInput } from './training-job';

const cluster: TrainingClusterConfig = {
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'training', effect: 'NoSchedule' }],
  datasets: { claimName: 'neuroweaver-datasets' },
  artifacts: { claimName: 'neuroweaver-artifacts', subPath: 'runs' },
};

const input = (over: Partial<TrainingJobInput> = {}): TrainingJobInput => ({
  namespace: 'neuroweaver',
  pipelineId: '3f1c2a9e-8d1b-4c55-9b7e-2f3a4b5c6d7e',
  stage: 'reward_model',
  attempt: 2,
  image: 'ghcr.io/neuroweaver/trainer:1.4.0',
  command: ['python', '-m', 'trainer'],
  args: ['--stage', 'reward_model'],
  resources: { gpu: 2, cpu: '8', memory: '64Gi' },
  callbackUrl: 'http://neuroweaver.neuroweaver.svc:3001',
  stageConfig: { learningRate: 2e-4, epochs: 3 },
  ...over,
});

function validateJob(job: ReturnType<typeof buildTrainingJob>) {
  new Job(job).validate();
  expect(isValidName(job.metadata!.name!)).toBe(true);
  for (const labels of [job.metadata!.labels!, job.spec!.template.metadata!.labels!]) {
    for (const [key, value] of Object.entries(labels)) expect(isValidLabelValue(value), `${key}=${value}`).toBe(true);
  }
}

describe('buildTrainingJob', () => {
  it('builds a Job the Kubernetes schema accepts, with the trainer contract', () => {
    const job = buildTrainingJob(input(), cluster);
    validateJob(job);
    const spec = job.spec!;
    const pod = spec.template.spec!;
    const container = pod.containers[0];
    expect(pod.restartPolicy).toBe('Never');
    expect(spec.backoffLimit).toBe(2);
    expect(spec.activeDeadlineSeconds).toBe(86_400);
    expect(spec.ttlSecondsAfterFinished).toBe(86_400);
    expect(container.resources!.limits!['nvidia.com/gpu']).toBe('2');
    expect(container.resources!.requests).toEqual({ cpu: '8', memory: '64Gi' });
    expect(pod.nodeSelector).toEqual(cluster.nodeSelector);
    expect(pod.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    expect(pod.tolerations).toContainEqual(cluster.tolerations![0]);
    expect(pod.volumes).toContainEqual({ name: 'datasets', persistentVolumeClaim: { claimName: 'neuroweaver-datasets', readOnly: true } });
    expect(container.volumeMounts).toContainEqual({ name: 'artifacts', mountPath: '/data/artifacts', subPath: 'runs' });

    const env = Object.fromEntries(container.env!.map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env.NW_CALLBACK_URL).toBe('http://neuroweaver.neuroweaver.svc:3001');
    expect(env.NW_JOB_TOKEN).toEqual({ secretKeyRef: { name: trainingJobNames(input()).secret, key: 'token' } });
    expect(env.NW_STAGE).toBe('reward_model');
    expect(env.NW_PIPELINE_ID).toBe(input().pipelineId);
    expect(JSON.parse(env.NW_CONFIG as string)).toEqual({ learningRate: 2e-4, epochs: 3 });
    expect(env.NW_ARTIFACT_DIR).toBe(`/data/artifacts/pipelines/${input().pipelineId}/reward_model`);
  });

  it("names the PriorityClass of the run's priority on the pod template (normal by default)", () => {
    expect(buildTrainingJob(input(), cluster).spec!.template.spec!.priorityClassName).toBe('neuroweaver-training-normal');
    for (const priority of ['low', 'normal', 'high'] as const) {
      const job = buildTrainingJob(input({ priority }), cluster);
      validateJob(job);
      expect(job.spec!.template.spec!.priorityClassName).toBe(TRAINING_PRIORITY_CLASSES[priority].name);
    }
  });

  it('fails the Job at once on configuration exit codes and ignores disruptions', () => {
    const rules = buildTrainingJob(input(), cluster).spec!.podFailurePolicy!.rules;
    expect(rules[0]).toEqual({ action: 'FailJob', onExitCodes: { containerName: 'trainer', operator: 'In', values: [2, 3, 4] } });
    expect(Object.values(TRAINER_EXIT_CODES)).toEqual([2, 3, 4]);
    expect(rules[1]).toEqual({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
  });

  it('links back to the pipeline through labels and annotations', () => {
    const job = buildTrainingJob(input(), cluster);
    expect(job.metadata!.labels).toMatchObject({
      [LABELS.managedBy]: 'neuroweaver',
      [LABELS.pipeline]: input().pipelineId,
      [LABELS.stage]: 'reward_model',
      [LABELS.attempt]: '2',
    });
    expect(job.metadata!.annotations).toEqual({
      'neuroweaver.dev/pipeline-id': input().pipelineId,
      'neuroweaver.dev/stage': 'reward_model',
      'neuroweaver.dev/attempt': '2',
    });
    // The model family, when given, is annotated on the Job and its pods (the watcher reads it), never a label.
    const withFamily = buildTrainingJob({ ...input(), family: 'sales-assistant' }, cluster);
    expect(withFamily.metadata!.annotations!['neuroweaver.dev/family']).toBe('sales-assistant');
    expect(withFamily.spec!.template.metadata!.annotations!['neuroweaver.dev/family']).toBe('sales-assistant');
    expect(withFamily.metadata!.labels).toEqual(job.metadata!.labels);
  });

  it('names each stage attempt deterministically and distinctly', () => {
    const a = trainingJobNames(input());
    expect(trainingJobNames(input())).toEqual(a);
    expect(trainingJobNames(input({ attempt: 3 })).job).not.toBe(a.job);
    expect(trainingJobNames(input({ stage: 'ppo' })).job).not.toBe(a.job);
    expect(a.secret).not.toBe(a.job);
  });

  it('stays valid for hostile inputs', () => {
    const hostile = input({
      pipelineId: `Pipeline.${'x'.repeat(80)}+build.7`,
      stage: 'Reward_Model.v2',
      resources: { gpu: 0, cpu: '500m', memory: '1Gi' },
      command: undefined,
      args: undefined,
    });
    const job = buildTrainingJob(hostile, { datasets: { claimName: 'd' }, artifacts: { claimName: 'a' } });
    validateJob(job);
    expect(job.metadata!.name!.length).toBeLessThanOrEqual(63);
    expect(job.spec!.template.spec!.tolerations).toBeUndefined();
    expect(job.spec!.template.spec!.containers[0].resources!.limits).toEqual({ memory: '1Gi' });
    expect(job.metadata!.annotations!['neuroweaver.dev/pipeline-id']).toBe(hostile.pipelineId);
  });

  it('refuses bad input with a ValidationError', () => {
    expect(() => buildTrainingJob(input({ attempt: 0 }), cluster)).toThrow(ValidationError);
    expect(() => buildTrainingJob(input({ resources: { gpu: 1.5, cpu: '1', memory: '1Gi' } }), cluster)).toThrow(ValidationError);
    expect(() => buildTrainingJob(input({ env: { NW_STAGE: 'x' } }), cluster)).toThrow(/reserved|set by NeuroWeaver/);
  });

  it('produces a schema-invalid Job when given a bad quantity, so the schema check is real', () => {
    const job = buildTrainingJob(input({ resources: { gpu: 1, cpu: 'lots', memory: '1Gi' } }), cluster);
    expect(() => new Job(job).validate()).toThrow(/requests\/cpu/);
  });
});

describe('buildJobTokenSecret', () => {
  it('builds the Secret the Job reads its token from', () => {
    const secret = buildJobTokenSecret({ ...input(), token: 's3cret' });
    new Secret(secret).validate();
    expect(secret.metadata!.name).toBe(trainingJobNames(input()).secret);
    expect(Buffer.from(secret.data!.token, 'base64').toString()).toBe('s3cret');
    expect(secret.metadata!.ownerReferences).toBeUndefined();
    expect(isValidName(secret.metadata!.name!)).toBe(true);
  });
});
