import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IToleration } from 'kubernetes-models/v1/Toleration';
import type { IMetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';
import { ValidationError } from '@/server/errors';
import { ANNOTATIONS, LABELS, MANAGED_BY, PART_OF } from './labels';
import { dnsName, labelValue, textPart } from './names';
import { GPU_RESOURCE } from './training-job';
import { buildPrometheusRule, buildServiceMonitor, type AlertThresholds, type PrometheusRule, type ServiceMonitor } from './monitoring';

export const DEFAULT_MODEL_SERVER_IMAGE = 'vllm/vllm-openai:v0.6.3';
export const MODEL_SERVER_CONTAINER = 'server';
export const MODEL_SERVER_PORT = 8000;
export const SERVICE_PORT = 80;
/** vLLM's gauge of requests being decoded, the HPA's Pods metric (served through a metrics adapter). */
export const INFLIGHT_REQUESTS_METRIC = 'vllm:num_requests_running';

export interface ModelServerInput {
  namespace: string;
  /** Model family slug; also the served model name. */
  family: string;
  version: string;
  environment: string;
  /** Object name; defaults to `modelServerName(family, environment)`. A/B variants pass their own. */
  name?: string;
  /** What vLLM loads (`--model`): a path inside the artifacts volume or a hub id. */
  modelPath: string;
  image?: string;
  /** Appended after the built-in arguments. */
  extraArgs?: string[];
  /** Fixed replica count; ignored when `autoscaling` is set (the HPA owns `spec.replicas` then). */
  replicas?: number;
  resources: { gpu: number; cpu: string; memory: string };
  autoscaling?: {
    minReplicas: number;
    maxReplicas: number;
    /** Percent of the CPU request. */
    targetCpuUtilization?: number;
    /** Average `vllm:num_requests_running` per pod. */
    targetInflightRequests?: number;
  };
  /** PVC holding the weights, mounted read-only. */
  artifacts?: { claimName: string; mountPath?: string; subPath?: string };
  nodeSelector?: Record<string, string>;
  tolerations?: IToleration[];
  imagePullSecrets?: string[];
  /** Probe timing; the defaults allow a large model several minutes to load. */
  probes?: { startupFailureThreshold?: number; periodSeconds?: number };
  alerts?: Partial<AlertThresholds>;
  /** Extra labels for the ServiceMonitor and PrometheusRule, for the Prometheus Operator's selectors. */
  monitoringLabels?: Record<string, string>;
  env?: Record<string, string>;
}

export interface ModelServerManifests {
  deployment: IDeployment;
  service: IService;
  hpa: IHorizontalPodAutoscaler | null;
  serviceMonitor: ServiceMonitor;
  prometheusRule: PrometheusRule;
}

/** `sales-assistant` in `production` → `sales-assistant-production`. */
export function modelServerName(family: string, environment: string): string {
  return dnsName([textPart(family), textPart(environment)]);
}

function nameOf(input: ModelServerInput) {
  return input.name ?? modelServerName(input.family, input.environment);
}

/** Labels selecting this server's pods; stable across versions so rolling updates keep the selector. */
export function modelServerSelector(input: Pick<ModelServerInput, 'family' | 'environment' | 'name'>): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.instance]: input.name ?? modelServerName(input.family, input.environment),
  };
}

/** Every label on the objects (pods included): the selector plus family, environment, version. */
export function modelServerLabels(input: ModelServerInput): Record<string, string> {
  return {
    ...modelServerSelector(input),
    [LABELS.partOf]: PART_OF,
    [LABELS.name]: 'neuroweaver-model-server',
    [LABELS.component]: 'model-server',
    [LABELS.family]: labelValue(input.family),
    [LABELS.environment]: labelValue(input.environment),
    [LABELS.modelVersion]: labelValue(input.version),
    [LABELS.version]: labelValue(input.version),
  };
}

function annotations(input: ModelServerInput): Record<string, string> {
  return {
    [ANNOTATIONS.family]: input.family,
    [ANNOTATIONS.environment]: input.environment,
    [ANNOTATIONS.modelVersion]: input.version,
  };
}

function validate(input: ModelServerInput) {
  const { gpu } = input.resources;
  if (!Number.isInteger(gpu) || gpu < 0) throw new ValidationError('resources.gpu must be a whole number of GPUs', 'resources.gpu');
  if (input.replicas !== undefined && (!Number.isInteger(input.replicas) || input.replicas < 0)) {
    throw new ValidationError('replicas must be a whole number ≥ 0', 'replicas');
  }
  const a = input.autoscaling;
  if (a) {
    if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) throw new ValidationError('autoscaling.minReplicas must be a whole number ≥ 1', 'autoscaling.minReplicas');
    if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas) {
      throw new ValidationError('autoscaling.maxReplicas must be a whole number ≥ minReplicas', 'autoscaling.maxReplicas');
    }
    if (a.targetCpuUtilization === undefined && a.targetInflightRequests === undefined) {
      throw new ValidationError('autoscaling needs targetCpuUtilization or targetInflightRequests', 'autoscaling');
    }
    if (a.targetCpuUtilization !== undefined && (!Number.isInteger(a.targetCpuUtilization) || a.targetCpuUtilization < 1)) {
      throw new ValidationError('autoscaling.targetCpuUtilization must be a whole percentage ≥ 1', 'autoscaling.targetCpuUtilization');
    }
    if (a.targetInflightRequests !== undefined && !(a.targetInflightRequests > 0)) {
      throw new ValidationError('autoscaling.targetInflightRequests must be > 0', 'autoscaling.targetInflightRequests');
    }
  }
}

/** The vLLM (OpenAI-compatible) Deployment: rolling update with no unavailable pod, probes on /health. */
export function buildModelServerDeployment(input: ModelServerInput): IDeployment {
  validate(input);
  const name = nameOf(input);
  const labels = modelServerLabels(input);
  const { gpu, cpu, memory } = input.resources;
  const artifactsMount = input.artifacts?.mountPath ?? '/models';
  const tolerations = [...(input.tolerations ?? [])];
  if (gpu > 0 && !tolerations.some((t) => t.key === GPU_RESOURCE)) tolerations.push({ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' });
  const period = input.probes?.periodSeconds ?? 10;
  const httpGet = { path: '/health', port: 'http' };
  const replicas = input.autoscaling ? undefined : (input.replicas ?? 1);

  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: input.namespace, labels, annotations: annotations(input) },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      revisionHistoryLimit: 5,
      selector: { matchLabels: modelServerSelector(input) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations: annotations(input) },
        spec: {
          automountServiceAccountToken: false,
          ...(input.imagePullSecrets?.length ? { imagePullSecrets: input.imagePullSecrets.map((n) => ({ name: n })) } : {}),
          ...(input.nodeSelector && Object.keys(input.nodeSelector).length ? { nodeSelector: input.nodeSelector } : {}),
          ...(tolerations.length ? { tolerations } : {}),
          containers: [
            {
              name: MODEL_SERVER_CONTAINER,
              image: input.image ?? DEFAULT_MODEL_SERVER_IMAGE,
              args: [
                '--model', input.modelPath,
                '--served-model-name', input.family,
                '--port', String(MODEL_SERVER_PORT),
                ...(input.extraArgs ?? []),
              ],
              ports: [{ name: 'http', containerPort: MODEL_SERVER_PORT, protocol: 'TCP' }],
              env: Object.entries(input.env ?? {}).map(([n, value]) => ({ name: n, value })),
              resources: {
                requests: { cpu, memory, ...(gpu > 0 ? { [GPU_RESOURCE]: String(gpu) } : {}) },
                limits: { cpu, memory, ...(gpu > 0 ? { [GPU_RESOURCE]: String(gpu) } : {}) },
              },
              // Loading weights can take minutes: the startup probe holds liveness back until /health answers.
              startupProbe: { httpGet, periodSeconds: period, failureThreshold: input.probes?.startupFailureThreshold ?? 60 },
              readinessProbe: { httpGet, periodSeconds: period, timeoutSeconds: 2, failureThreshold: 3 },
              livenessProbe: { httpGet, periodSeconds: period * 2, timeoutSeconds: 5, failureThreshold: 3 },
              ...(input.artifacts
                ? { volumeMounts: [{ name: 'models', mountPath: artifactsMount, readOnly: true, ...(input.artifacts.subPath ? { subPath: input.artifacts.subPath } : {}) }] }
                : {}),
            },
          ],
          ...(input.artifacts ? { volumes: [{ name: 'models', persistentVolumeClaim: { claimName: input.artifacts.claimName, readOnly: true } }] } : {}),
        },
      },
    },
  };
}

/** ClusterIP Service: port 80 (`http`) → container port 8000. */
export function buildModelServerService(input: ModelServerInput): IService {
  const name = nameOf(input);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: input.namespace, labels: modelServerLabels(input), annotations: annotations(input) },
    spec: {
      type: 'ClusterIP',
      selector: modelServerSelector(input),
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: MODEL_SERVER_PORT, protocol: 'TCP' }],
    },
  };
}

/** autoscaling/v2 HPA on CPU utilisation and/or in-flight requests per pod; null without `autoscaling`. */
export function buildModelServerHpa(input: ModelServerInput): IHorizontalPodAutoscaler | null {
  validate(input);
  const a = input.autoscaling;
  if (!a) return null;
  const name = nameOf(input);
  const metrics: IMetricSpec[] = [];
  if (a.targetCpuUtilization !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCpuUtilization } } });
  }
  if (a.targetInflightRequests !== undefined) {
    metrics.push({
      type: 'Pods',
      pods: { metric: { name: INFLIGHT_REQUESTS_METRIC }, target: { type: 'AverageValue', averageValue: String(a.targetInflightRequests) } },
    });
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: input.namespace, labels: modelServerLabels(input), annotations: annotations(input) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics,
    },
  };
}

/** Everything a deployment of one model to one environment consists of. */
export function buildModelServerManifests(input: ModelServerInput): ModelServerManifests {
  const name = nameOf(input);
  const labels = modelServerLabels(input);
  const shared = { name, namespace: input.namespace, labels: { ...labels, ...input.monitoringLabels }, annotations: annotations(input) };
  return {
    deployment: buildModelServerDeployment(input),
    service: buildModelServerService(input),
    hpa: buildModelServerHpa(input),
    serviceMonitor: buildServiceMonitor({ ...shared, selector: modelServerSelector(input) }),
    prometheusRule: buildPrometheusRule({
      ...shared,
      family: input.family,
      environment: input.environment,
      thresholds: input.alerts,
    }),
  };
}

/** The manifests in the order to apply them (the Service before its monitor, the Deployment before its HPA). */
export function modelServerObjects(m: ModelServerManifests): Array<IDeployment | IService | IHorizontalPodAutoscaler | ServiceMonitor | PrometheusRule> {
  return [m.service, m.deployment, ...(m.hpa ? [m.hpa] : []), m.serviceMonitor, m.prometheusRule];
}
