import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { ValidationError } from '@/server/errors';
import { LABELS } from './labels';
import { buildModelServerManifests, modelServerName, modelServerObjects, type ModelServerInput } from './model-server';
import { ALERT_NAMES, DEFAULT_ALERT_THRESHOLDS, type PrometheusRule, type ServiceMonitor } from './monitoring';
import { isValidLabelValue, isValidName, versionedName } from './names';
import { toYaml } from './to-yaml';

const input = (over: Partial<ModelServerInput> = {}): ModelServerInput => ({
  namespace: 'neuroweaver',
  family: 'sales-assistant',
  version: '1.10.0-rc.1',
  environment: 'production',
  modelPath: '/models/sales-assistant/1.10.0-rc.1',
  resources: { gpu: 1, cpu: '4', memory: '32Gi' },
  autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70, targetInflightRequests: 8 },
  artifacts: { claimName: 'neuroweaver-artifacts' },
  alerts: { latencyP95Seconds: 1.5, errorRate: 0.02, minQuality: 0.8 },
  ...over,
});

function labelsOf(obj: { metadata?: { labels?: Record<string, string> } }) {
  return obj.metadata?.labels ?? {};
}

function expectValidLabels(labels: Record<string, string>) {
  for (const [key, value] of Object.entries(labels)) expect(isValidLabelValue(value), `${key}=${value}`).toBe(true);
}

/** Prometheus Operator CRD shape, checked by hand (no schema package is installed). */
function checkServiceMonitor(sm: ServiceMonitor) {
  expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
  expect(sm.kind).toBe('ServiceMonitor');
  expect(isValidName(sm.metadata.name)).toBe(true);
  expect(Object.keys(sm.spec.selector.matchLabels).length).toBeGreaterThan(0);
  expect(sm.spec.namespaceSelector.matchNames).toEqual([sm.metadata.namespace]);
  for (const e of sm.spec.endpoints) {
    expect(e.port).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(e.path.startsWith('/')).toBe(true);
    expect(e.interval).toMatch(/^\d+(ms|s|m|h)$/);
  }
}

function checkPrometheusRule(rule: PrometheusRule) {
  expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
  expect(rule.kind).toBe('PrometheusRule');
  expect(isValidName(rule.metadata.name)).toBe(true);
  expect(rule.spec.groups.length).toBe(1);
  for (const r of rule.spec.groups[0].rules) {
    expect(r.alert).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(r.for).toMatch(/^\d+(ms|s|m|h|d)$/);
    expect(['warning', 'critical']).toContain(r.labels.severity);
    expect(r.annotations.summary.length).toBeGreaterThan(0);
    expect(r.annotations.description.length).toBeGreaterThan(0);
    // Balanced brackets and quotes: a cheap guard against broken PromQL.
    for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']]) {
      expect(r.expr.split(open).length, `${r.alert} ${open}`).toBe(r.expr.split(close).length);
    }
    expect((r.expr.match(/"/g) ?? []).length % 2).toBe(0);
  }
}

describe('buildModelServerManifests', () => {
  it('builds a Deployment, Service and HPA the Kubernetes schemas accept', () => {
    const m = buildModelServerManifests(input());
    new Deployment(m.deployment).validate();
    new Service(m.service).validate();
    new HorizontalPodAutoscaler(m.hpa!).validate();
    for (const obj of modelServerObjects(m)) {
      expect(isValidName(obj.metadata!.name!)).toBe(true);
      expectValidLabels(labelsOf(obj));
    }
    expectValidLabels(m.deployment.spec!.template.metadata!.labels!);
  });

  it('runs vLLM with the model and family, probes /health, limits GPUs', () => {
    const { deployment } = buildModelServerManifests(input());
    const c = deployment.spec!.template.spec!.containers[0];
    expect(c.image).toBe('vllm/vllm-openai:v0.6.3');
    expect(c.args!.slice(0, 4)).toEqual(['--model', '/models/sales-assistant/1.10.0-rc.1', '--served-model-name', 'sales-assistant']);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(c.readinessProbe!.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.livenessProbe!.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.resources!.limits!['nvidia.com/gpu']).toBe('1');
    // The HPA owns the replica count.
    expect(deployment.spec!.replicas).toBeUndefined();
    expect(buildModelServerManifests(input({ image: 'ghcr.io/acme/vllm:dev', autoscaling: undefined, replicas: 3 })).deployment.spec!.replicas).toBe(3);
    expect(buildModelServerManifests(input({ image: 'ghcr.io/acme/vllm:dev' })).deployment.spec!.template.spec!.containers[0].image).toBe('ghcr.io/acme/vllm:dev');
  });

  it('labels with family, version and environment; selects on what stays across versions', () => {
    const m = buildModelServerManifests(input());
    expect(labelsOf(m.deployment)).toMatchObject({
      [LABELS.family]: 'sales-assistant',
      [LABELS.modelVersion]: '1.10.0-rc.1',
      [LABELS.environment]: 'production',
    });
    const next = buildModelServerManifests(input({ version: '1.11.0' }));
    expect(next.deployment.metadata!.name).toBe(m.deployment.metadata!.name);
    expect(next.deployment.spec!.selector).toEqual(m.deployment.spec!.selector);
    expect(m.service.spec!.selector).toEqual(m.deployment.spec!.selector.matchLabels);
    expect(m.deployment.metadata!.name).toBe('sales-assistant-production');
    expect(modelServerName('sales-assistant', 'staging')).toBe('sales-assistant-staging');
  });

  it('exposes port 80 → 8000 on a ClusterIP Service named http', () => {
    const { service } = buildModelServerManifests(input());
    expect(service.spec!.type).toBe('ClusterIP');
    expect(service.spec!.ports).toEqual([{ name: 'http', port: 80, targetPort: 8000, protocol: 'TCP' }]);
  });

  it('autoscales on CPU and on in-flight requests', () => {
    const { hpa } = buildModelServerManifests(input());
    expect(hpa!.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'sales-assistant-production' });
    expect(hpa!.spec!.minReplicas).toBe(2);
    expect(hpa!.spec!.maxReplicas).toBe(6);
    expect(hpa!.spec!.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Pods', pods: { metric: { name: 'vllm:num_requests_running' }, target: { type: 'AverageValue', averageValue: '8' } } },
    ]);
    const cpuOnly = buildModelServerManifests(input({ autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 50 } })).hpa!;
    new HorizontalPodAutoscaler(cpuOnly).validate();
    expect(cpuOnly.spec!.metrics).toHaveLength(1);
    expect(buildModelServerManifests(input({ autoscaling: undefined })).hpa).toBeNull();
  });

  it('scrapes /metrics on the http port every 15 s', () => {
    const { serviceMonitor, service } = buildModelServerManifests(input({ monitoringLabels: { release: 'prometheus' } }));
    checkServiceMonitor(serviceMonitor);
    expect(serviceMonitor.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics', interval: '15s' });
    for (const [k, v] of Object.entries(serviceMonitor.spec.selector.matchLabels)) expect(labelsOf(service)[k]).toBe(v);
    expect(serviceMonitor.metadata.labels!.release).toBe('prometheus');
  });

  it('carries the four alerts with thresholds from the configuration', () => {
    const { prometheusRule } = buildModelServerManifests(input());
    checkPrometheusRule(prometheusRule);
    const rules = prometheusRule.spec.groups[0].rules;
    expect(rules.map((r) => r.alert)).toEqual([...ALERT_NAMES]);
    const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));
    expect(byName.NeuroWeaverHighLatency.expr).toContain('histogram_quantile(0.95');
    expect(byName.NeuroWeaverHighLatency.expr).toContain('vllm:e2e_request_latency_seconds_bucket{namespace="neuroweaver",service="sales-assistant-production"}');
    expect(byName.NeuroWeaverHighLatency.expr).toMatch(/> 1\.5$/);
    expect(byName.NeuroWeaverHighErrorRate.expr).toMatch(/> 0\.02$/);
    expect(byName.NeuroWeaverHighErrorRate.labels.severity).toBe('critical');
    expect(byName.NeuroWeaverLowAccuracy.expr).toBe('avg_over_time(neuroweaver_model_quality_score{family="sales-assistant",environment="production"}[15m]) < 0.8');
    expect(byName.NeuroWeaverResourceExhaustion.expr).toContain(`vllm:gpu_cache_usage_perc{namespace="neuroweaver",service="sales-assistant-production"}) > ${DEFAULT_ALERT_THRESHOLDS.gpuCacheUsage}`);
    expect(byName.NeuroWeaverResourceExhaustion.expr).toContain('resource="cpu"');
    expect(byName.NeuroWeaverResourceExhaustion.expr).toContain('resource="memory"');
    for (const r of rules) expect(r.labels).toMatchObject({ family: 'sales-assistant', environment: 'production' });
  });

  it('refuses impossible thresholds and autoscaling', () => {
    expect(() => buildModelServerManifests(input({ alerts: { errorRate: 5 } }))).toThrow(ValidationError);
    expect(() => buildModelServerManifests(input({ alerts: { for: 'soon' } }))).toThrow(ValidationError);
    expect(() => buildModelServerManifests(input({ autoscaling: { minReplicas: 3, maxReplicas: 2, targetCpuUtilization: 50 } }))).toThrow(/maxReplicas/);
    expect(() => buildModelServerManifests(input({ autoscaling: { minReplicas: 1, maxReplicas: 2 } }))).toThrow(ValidationError);
    expect(() => buildModelServerManifests(input({ resources: { gpu: -1, cpu: '1', memory: '1Gi' } }))).toThrow(ValidationError);
  });

  it('stays valid for hostile inputs', () => {
    const hostile = input({
      family: 'x'.repeat(80),
      version: '1.0.0+build.7',
      environment: 'Staging.EU',
      resources: { gpu: 0, cpu: '500m', memory: '2Gi' },
      artifacts: undefined,
    });
    const m = buildModelServerManifests(hostile);
    new Deployment(m.deployment).validate();
    new Service(m.service).validate();
    new HorizontalPodAutoscaler(m.hpa!).validate();
    checkServiceMonitor(m.serviceMonitor);
    checkPrometheusRule(m.prometheusRule);
    for (const obj of modelServerObjects(m)) {
      expect(isValidName(obj.metadata!.name!)).toBe(true);
      expectValidLabels(labelsOf(obj));
    }
    expect(m.deployment.metadata!.annotations!['neuroweaver.dev/version']).toBe('1.0.0+build.7');
    expect(labelsOf(m.deployment)[LABELS.modelVersion]).not.toBe(labelsOf(buildModelServerManifests({ ...hostile, version: '1.0.0' }).deployment)[LABELS.modelVersion]);
  });

  it('lets an A/B variant run under its own, versioned name', () => {
    const name = versionedName('sales-assistant', '1.10.0-rc.1');
    const m = buildModelServerManifests(input({ name }));
    expect(m.deployment.metadata!.name).toBe('sales-assistant-v1-10-0-rc-1');
    expect(m.hpa!.spec!.scaleTargetRef.name).toBe(name);
    expect(m.deployment.spec!.selector.matchLabels![LABELS.instance]).toBe(name);
  });
});

describe('toYaml', () => {
  it('renders manifests as YAML that parses back to the same objects', () => {
    const m = buildModelServerManifests(input());
    const objects = modelServerObjects(m);
    const docs = parseAllDocuments(toYaml(objects)).map((d) => d.toJSON());
    expect(docs).toEqual(JSON.parse(JSON.stringify(objects)));
    expect(parse(toYaml(m.deployment))).toEqual(JSON.parse(JSON.stringify(m.deployment)));
  });

  it('drops server bookkeeping from live objects on request', () => {
    const live = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', uid: 'u', resourceVersion: '7', managedFields: [{}] }, spec: {} };
    expect(parse(toYaml(live, { stripServerFields: true }))).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} });
    expect(live.metadata.uid).toBe('u');
  });
});
