import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IToleration } from 'kubernetes-models/v1/Toleration';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { ValidationError } from '@/server/errors';
import { ANNOTATIONS, LABELS, MANAGED_BY, PART_OF } from './labels';
import { dnsName, labelValue, textPart } from './names';
import { trainingPriorityClassName, type TrainingPriority } from './priority-classes';

/**
 * Exit codes of the trainer contract (docs/trainer-contract.md) that mean "this configuration can never
 * succeed": the Job fails at once instead of spending its retries. Any other non-zero code is retried up
 * to `backoffLimit`.
 */
export const TRAINER_EXIT_CODES = {
  /** The trainer's command line was wrong (argparse's own code). */
  badArguments: 2,
  /** NW_CONFIG was unreadable or failed the trainer's validation. */
  invalidConfig: 3,
  /** The dataset was missing, empty or malformed. */
  invalidDataset: 4,
} as const;

/** Plain words for each code in TRAINER_EXIT_CODES. */
export const TRAINER_EXIT_CODE_MEANINGS: Record<number, string> = {
  [TRAINER_EXIT_CODES.badArguments]: 'bad trainer arguments',
  [TRAINER_EXIT_CODES.invalidConfig]: 'invalid training configuration',
  [TRAINER_EXIT_CODES.invalidDataset]: 'invalid dataset',
};

export const TRAINER_CONTAINER = 'trainer';
export const GPU_RESOURCE = 'nvidia.com/gpu';
/** Key inside the token Secret. */
export const JOB_TOKEN_KEY = 'token';

/** Where a cluster keeps training data and how its GPU nodes are reached (cluster settings, not per run). */
export interface TrainingClusterConfig {
  nodeSelector?: Record<string, string>;
  tolerations?: IToleration[];
  /** PVC holding uploaded datasets, mounted read-only. */
  datasets: { claimName: string; mountPath?: string; subPath?: string };
  /** PVC receiving checkpoints and adapters. */
  artifacts: { claimName: string; mountPath?: string; subPath?: string };
  serviceAccountName?: string;
  imagePullSecrets?: string[];
}

export interface TrainingJobRef {
  pipelineId: string;
  /** Pipeline stage, e.g. `sft`, `reward_model`. */
  stage: string;
  /** 1 for the first attempt of that stage. */
  attempt: number;
}

export interface TrainingJobInput extends TrainingJobRef {
  namespace: string;
  /** The model family the run registers into (annotation `neuroweaver.dev/family`: operators see it; the watcher reads it). */
  family?: string;
  image: string;
  command?: string[];
  args?: string[];
  resources: { gpu: number; cpu: string; memory: string };
  /** The run's priority: the pod's PriorityClass (./priority-classes.ts), i.e. its place in the GPU queue. Default normal. */
  priority?: TrainingPriority;
  /** Base URL the trainer posts its events to (NW_CALLBACK_URL). */
  callbackUrl: string;
  /** The stage's configuration, passed as JSON in NW_CONFIG. */
  stageConfig: unknown;
  /** Defaults to `<artifacts mount>/pipelines/<pipelineId>/<stage>`. */
  artifactDir?: string;
  /** Extra environment; NW_* names are reserved. */
  env?: Record<string, string>;
  /** Retries of a failed pod (default 2). */
  backoffLimit?: number;
  /** Wall-clock limit of the whole Job (default 24 h). */
  activeDeadlineSeconds?: number;
  /** How long a finished Job is kept for its logs and status (default 24 h). */
  ttlSecondsAfterFinished?: number;
}

const DEFAULT_DATASETS_MOUNT = '/data/datasets';
const DEFAULT_ARTIFACTS_MOUNT = '/data/artifacts';

/** Deterministic names, so applying the same stage attempt twice never makes two Jobs. */
export function trainingJobNames(ref: TrainingJobRef): { job: string; secret: string } {
  const parts = [textPart(ref.stage), textPart(ref.pipelineId), textPart(`a${ref.attempt}`)];
  return { job: dnsName(parts), secret: dnsName([...parts, textPart('token')]) };
}

/** Labels shared by the Job, its pods and its token Secret. */
export function trainingLabels(ref: TrainingJobRef): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.partOf]: PART_OF,
    [LABELS.name]: 'neuroweaver-trainer',
    [LABELS.component]: 'training',
    [LABELS.pipeline]: labelValue(ref.pipelineId),
    [LABELS.stage]: labelValue(ref.stage),
    [LABELS.attempt]: String(ref.attempt),
  };
}

function trainingAnnotations(ref: TrainingJobRef): Record<string, string> {
  return {
    [ANNOTATIONS.pipelineId]: ref.pipelineId,
    [ANNOTATIONS.stage]: ref.stage,
    [ANNOTATIONS.attempt]: String(ref.attempt),
  };
}

function assertRef(ref: TrainingJobRef) {
  if (!Number.isInteger(ref.attempt) || ref.attempt < 1) throw new ValidationError('attempt must be a positive integer', 'attempt');
  if (!ref.pipelineId.trim()) throw new ValidationError('pipelineId is required', 'pipelineId');
  if (!ref.stage.trim()) throw new ValidationError('stage is required', 'stage');
}

const GPU_TOLERATION: IToleration = { key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' };

/**
 * The batch/v1 Job running one attempt of one GPU stage. `restartPolicy: Never` with a pod failure
 * policy: exit codes in TRAINER_EXIT_CODES fail the Job at once, pods disrupted by the cluster
 * (preemption, node drain, eviction) are replaced without counting against `backoffLimit`. The pod's
 * PriorityClass is the run's priority, which orders it in the queue for GPUs.
 */
export function buildTrainingJob(input: TrainingJobInput, cluster: TrainingClusterConfig): IJob {
  assertRef(input);
  const { gpu, cpu, memory } = input.resources;
  if (!Number.isInteger(gpu) || gpu < 0) throw new ValidationError('resources.gpu must be a whole number of GPUs', 'resources.gpu');
  for (const key of Object.keys(input.env ?? {})) {
    if (key.startsWith('NW_')) throw new ValidationError(`env.${key}: NW_* variables are set by NeuroWeaver`, `env.${key}`);
  }
  const names = trainingJobNames(input);
  const labels = trainingLabels(input);
  const jobAnnotations = { ...trainingAnnotations(input), ...(input.family ? { [ANNOTATIONS.family]: input.family } : {}) };
  const datasetsMount = cluster.datasets.mountPath ?? DEFAULT_DATASETS_MOUNT;
  const artifactsMount = cluster.artifacts.mountPath ?? DEFAULT_ARTIFACTS_MOUNT;
  const artifactDir = input.artifactDir ?? `${artifactsMount}/pipelines/${input.pipelineId}/${input.stage}`;

  const env: IEnvVar[] = [
    { name: 'NW_CALLBACK_URL', value: input.callbackUrl },
    { name: 'NW_JOB_TOKEN', valueFrom: { secretKeyRef: { name: names.secret, key: JOB_TOKEN_KEY } } },
    { name: 'NW_PIPELINE_ID', value: input.pipelineId },
    { name: 'NW_STAGE', value: input.stage },
    { name: 'NW_ATTEMPT', value: String(input.attempt) },
    { name: 'NW_CONFIG', value: JSON.stringify(input.stageConfig ?? {}) },
    { name: 'NW_DATASET_DIR', value: datasetsMount },
    { name: 'NW_ARTIFACT_DIR', value: artifactDir },
    ...Object.entries(input.env ?? {}).map(([name, value]) => ({ name, value })),
  ];

  const tolerations = [...(cluster.tolerations ?? [])];
  if (gpu > 0 && !tolerations.some((t) => t.key === GPU_RESOURCE)) tolerations.push(GPU_TOLERATION);

  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.job, namespace: input.namespace, labels, annotations: jobAnnotations },
    spec: {
      backoffLimit: input.backoffLimit ?? 2,
      activeDeadlineSeconds: input.activeDeadlineSeconds ?? 24 * 3600,
      ttlSecondsAfterFinished: input.ttlSecondsAfterFinished ?? 24 * 3600,
      completions: 1,
      parallelism: 1,
      podFailurePolicy: {
        rules: [
          {
            action: 'FailJob',
            onExitCodes: { containerName: TRAINER_CONTAINER, operator: 'In', values: Object.values(TRAINER_EXIT_CODES) },
          },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: {
        metadata: { labels, annotations: jobAnnotations },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          ...(cluster.serviceAccountName ? { serviceAccountName: cluster.serviceAccountName } : {}),
          priorityClassName: trainingPriorityClassName(input.priority ?? 'normal'),
          ...(cluster.imagePullSecrets?.length ? { imagePullSecrets: cluster.imagePullSecrets.map((name) => ({ name })) } : {}),
          ...(cluster.nodeSelector && Object.keys(cluster.nodeSelector).length ? { nodeSelector: cluster.nodeSelector } : {}),
          ...(tolerations.length ? { tolerations } : {}),
          containers: [
            {
              name: TRAINER_CONTAINER,
              image: input.image,
              ...(input.command?.length ? { command: input.command } : {}),
              ...(input.args?.length ? { args: input.args } : {}),
              env,
              resources: {
                requests: { cpu, memory },
                limits: { memory, ...(gpu > 0 ? { [GPU_RESOURCE]: String(gpu) } : {}) },
              },
              volumeMounts: [
                { name: 'datasets', mountPath: datasetsMount, readOnly: true, ...(cluster.datasets.subPath ? { subPath: cluster.datasets.subPath } : {}) },
                { name: 'artifacts', mountPath: artifactsMount, ...(cluster.artifacts.subPath ? { subPath: cluster.artifacts.subPath } : {}) },
                { name: 'dshm', mountPath: '/dev/shm' },
              ],
              terminationMessagePolicy: 'FallbackToLogsOnError',
            },
          ],
          volumes: [
            { name: 'datasets', persistentVolumeClaim: { claimName: cluster.datasets.claimName, readOnly: true } },
            { name: 'artifacts', persistentVolumeClaim: { claimName: cluster.artifacts.claimName } },
            // PyTorch data loaders share tensors through /dev/shm; the container default (64 MiB) is too small.
            { name: 'dshm', emptyDir: { medium: 'Memory' } },
          ],
        },
      },
    },
  };
}

export interface JobTokenSecretInput extends TrainingJobRef {
  namespace: string;
  token: string;
}

/** The Secret holding the per-job token that the trainer sends with its events (NW_JOB_TOKEN). */
export function buildJobTokenSecret(input: JobTokenSecretInput): ISecret {
  assertRef(input);
  if (!input.token) throw new ValidationError('token is required', 'token');
  const names = trainingJobNames(input);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: names.secret,
      namespace: input.namespace,
      labels: trainingLabels(input),
      annotations: trainingAnnotations(input),
    },
    type: 'Opaque',
    data: { [JOB_TOKEN_KEY]: Buffer.from(input.token, 'utf8').toString('base64') },
  };
}
