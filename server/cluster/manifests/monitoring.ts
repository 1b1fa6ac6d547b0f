import { ValidationError } from '@/server/errors';

/*
 * Prometheus Operator objects (monitoring.coreos.com/v1) for a model server. Their types are written
 * here by hand: kubernetes-models has no schema for CRDs, so the tests check their shape.
 *
 * Metrics the alerts read, and who serves them:
 *   vllm:e2e_request_latency_seconds (histogram), vllm:gpu_cache_usage_perc (gauge, 0–1: the share of
 *     the KV cache in use; vLLM preallocates GPU memory, so this, not framebuffer use, says "GPU memory
 *     is running out")          → the model server's /metrics (vLLM, and the simulator)
 *   http_requests_total{status}  → the model server's /metrics (prometheus-fastapi-instrumentator in
 *     vLLM's OpenAI server, and the simulator); status is "2xx"… or the code
 *   neuroweaver_model_quality_score{family,environment} (gauge, 0–1) → NeuroWeaver's /api/metrics
 *   container_cpu_usage_seconds_total, container_memory_working_set_bytes → cAdvisor (kubelet)
 *   kube_pod_container_resource_limits → kube-state-metrics
 * Prometheus adds `namespace`, `service` and `pod` to every target scraped through a ServiceMonitor.
 */

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ServiceMonitor {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'ServiceMonitor';
  metadata: ObjectMeta;
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints: Array<{ port: string; path: string; interval: string; scrapeTimeout?: string }>;
  };
}

export interface PrometheusAlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

export interface PrometheusRule {
  apiVersion: 'monitoring.coreos.com/v1';
  kind: 'PrometheusRule';
  metadata: ObjectMeta;
  spec: { groups: Array<{ name: string; rules: PrometheusAlertRule[] }> };
}

export interface AlertThresholds {
  /** NeuroWeaverHighLatency: p95 end-to-end latency above this many seconds. */
  latencyP95Seconds: number;
  /** NeuroWeaverHighErrorRate: share (0–1) of requests answered 5xx. */
  errorRate: number;
  /** NeuroWeaverLowAccuracy: the quality score (0–1) averaged over 15 minutes below this. */
  minQuality: number;
  /** NeuroWeaverResourceExhaustion: KV-cache use (0–1) above this. */
  gpuCacheUsage: number;
  /** NeuroWeaverResourceExhaustion: CPU use as a share of the CPU limit above this. */
  cpuUtilization: number;
  /** NeuroWeaverResourceExhaustion: memory working set as a share of the memory limit above this. */
  memoryUtilization: number;
  /** How long a condition must hold before the alert fires (Prometheus duration). */
  for: string;
  /** `for` of the quality alert, which moves slowly. */
  qualityFor: string;
  /** Name of the quality gauge. */
  qualityMetric: string;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  latencyP95Seconds: 2,
  errorRate: 0.05,
  minQuality: 0.7,
  gpuCacheUsage: 0.95,
  cpuUtilization: 0.9,
  memoryUtilization: 0.9,
  for: '5m',
  qualityFor: '15m',
  qualityMetric: 'neuroweaver_model_quality_score',
};

export const ALERT_NAMES = ['NeuroWeaverHighLatency', 'NeuroWeaverHighErrorRate', 'NeuroWeaverLowAccuracy', 'NeuroWeaverResourceExhaustion'] as const;

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function resolveThresholds(overrides: Partial<AlertThresholds> | undefined): AlertThresholds {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...Object.fromEntries(Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined)) };
  const positive = (key: keyof AlertThresholds) => {
    const v = t[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ValidationError(`alerts.${key} must be a number > 0`, `alerts.${key}`);
  };
  const ratio = (key: keyof AlertThresholds) => {
    positive(key);
    if ((t[key] as number) > 1) throw new ValidationError(`alerts.${key} must be between 0 and 1`, `alerts.${key}`);
  };
  positive('latencyP95Seconds');
  for (const key of ['errorRate', 'minQuality', 'gpuCacheUsage', 'cpuUtilization', 'memoryUtilization'] as const) ratio(key);
  for (const key of ['for', 'qualityFor'] as const) {
    if (!DURATION.test(t[key])) throw new ValidationError(`alerts.${key} must be a duration such as 5m`, `alerts.${key}`);
  }
  if (!METRIC_NAME.test(t.qualityMetric)) throw new ValidationError('alerts.qualityMetric must be a Prometheus metric name', 'alerts.qualityMetric');
  return t;
}

/** A PromQL string literal. */
function q(value: string): string {
  return JSON.stringify(value);
}

/** Scrapes the Service's `http` port at /metrics every 15 s. */
export function buildServiceMonitor(input: ObjectMeta & { selector: Record<string, string> }): ServiceMonitor {
  const { selector, ...metadata } = input;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata,
    spec: {
      selector: { matchLabels: selector },
      namespaceSelector: { matchNames: [input.namespace] },
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scrapeTimeout: '10s' }],
    },
  };
}

export interface PrometheusRuleInput extends ObjectMeta {
  family: string;
  environment: string;
  thresholds?: Partial<AlertThresholds>;
}

/** The four alerts of a model server, thresholds from the deployment's configuration. */
export function buildPrometheusRule(input: PrometheusRuleInput): PrometheusRule {
  const t = resolveThresholds(input.thresholds);
  const { family, environment, thresholds: _t, ...metadata } = input;
  const target = `namespace=${q(input.namespace)},service=${q(input.name)}`;
  // Pods of the Deployment are "<name>-<replicaset hash>-<suffix>"; the pattern excludes "<name>-other-…".
  const pods = `namespace=${q(input.namespace)},pod=~${q(`${input.name}-[a-z0-9]+-[a-z0-9]+`)},container="server"`;
  const who = `${family} (${environment})`;
  const labels = (severity: string) => ({ severity, family, environment, deployment: input.name });
  const ratioOfLimit = (usage: string, resource: string) =>
    `max(sum by (pod) (${usage}) / sum by (pod) (kube_pod_container_resource_limits{${pods},resource=${q(resource)}}))`;

  const rules: PrometheusAlertRule[] = [
    {
      alert: 'NeuroWeaverHighLatency',
      expr: `histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{${target}}[5m]))) > ${t.latencyP95Seconds}`,
      for: t.for,
      labels: labels('warning'),
      annotations: {
        summary: `${who}: p95 latency above ${t.latencyP95Seconds}s`,
        description: `The 95th percentile of end-to-end request latency of ${input.name} has been {{ $value | humanizeDuration }} (threshold ${t.latencyP95Seconds}s) for ${t.for}.`,
      },
    },
    {
      alert: 'NeuroWeaverHighErrorRate',
      expr: `sum(rate(http_requests_total{${target},status=~"5.."}[5m])) / sum(rate(http_requests_total{${target}}[5m])) > ${t.errorRate}`,
      for: t.for,
      labels: labels('critical'),
      annotations: {
        summary: `${who}: more than ${t.errorRate * 100}% of requests fail`,
        description: `{{ $value | humanizePercentage }} of requests to ${input.name} were answered with a 5xx status (threshold ${t.errorRate * 100}%) for ${t.for}.`,
      },
    },
    {
      alert: 'NeuroWeaverLowAccuracy',
      expr: `avg_over_time(${t.qualityMetric}{family=${q(family)},environment=${q(environment)}}[15m]) < ${t.minQuality}`,
      for: t.qualityFor,
      labels: labels('warning'),
      annotations: {
        summary: `${who}: quality score below ${t.minQuality}`,
        description: `The quality score of ${who} averaged {{ $value }} over 15 minutes (threshold ${t.minQuality}) for ${t.qualityFor}.`,
      },
    },
    {
      alert: 'NeuroWeaverResourceExhaustion',
      expr: [
        `label_replace(max(vllm:gpu_cache_usage_perc{${target}}) > ${t.gpuCacheUsage}, "resource", "gpu_kv_cache", "", "")`,
        `label_replace(${ratioOfLimit(`rate(container_cpu_usage_seconds_total{${pods}}[5m])`, 'cpu')} > ${t.cpuUtilization}, "resource", "cpu", "", "")`,
        `label_replace(${ratioOfLimit(`container_memory_working_set_bytes{${pods}}`, 'memory')} > ${t.memoryUtilization}, "resource", "memory", "", "")`,
      ].join('\nor\n'),
      for: t.for,
      labels: labels('warning'),
      annotations: {
        summary: `${who}: {{ $labels.resource }} near its limit`,
        description: `${input.name} uses {{ $value | humanizePercentage }} of its {{ $labels.resource }} (thresholds: GPU KV cache ${t.gpuCacheUsage * 100}%, CPU ${t.cpuUtilization * 100}%, memory ${t.memoryUtilization * 100}% of the limit) for ${t.for}.`,
      },
    },
  ];
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata,
    spec: { groups: [{ name: `neuroweaver.${input.name}`, rules }] },
  };
}
