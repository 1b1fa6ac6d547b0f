import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { matchesSelector, requirementsOf, type LabelSelectorSpec } from '../selectors/label-selector';
import type { KObject } from '../store/types';
import { HIGHEST_USER_DEFINABLE_PRIORITY, SYSTEM_PRIORITY_CLASSES } from '../priority';
import { isObject } from '../util/json';
import type { FieldErrors } from './field-errors';
import { validateLabels } from './validate-meta';
import { validatePodSpec } from './validate-pod-spec';

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

function validateTemplate(template: IPodTemplateSpec | undefined, selector: LabelSelectorSpec | undefined, field: string, out: FieldErrors, restart: readonly string[]): void {
  if (!template) return out.required(field);
  validateLabels(template.metadata?.labels, `${field}.metadata.labels`, out);
  if (selector && requirementsOf(selector).length > 0 && !matchesSelector(template.metadata?.labels ?? {}, selector)) {
    out.invalid(`${field}.metadata.labels`, template.metadata?.labels ?? {}, '`selector` does not match template `labels`');
  }
  validatePodSpec(template.spec, `${field}.spec`, out);
  const policy = template.spec?.restartPolicy ?? 'Always';
  if (!restart.includes(policy)) out.notSupported(`${field}.spec.restartPolicy`, policy, restart);
}

function validateSelector(selector: LabelSelectorSpec | undefined, field: string, out: FieldErrors): void {
  if (!selector) return out.required(field);
  if (requirementsOf(selector).length === 0) out.invalid(field, selector, 'empty selector is invalid for deployment');
  validateLabels(selector.matchLabels, `${field}.matchLabels`, out);
}

function intOrPercent(value: unknown, replicas: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) return Math.ceil((Number(value.slice(0, -1)) / 100) * Math.max(replicas, 1));
  return Number(value ?? 0);
}

function validateDeploymentLike(obj: IDeployment | IReplicaSet, out: FieldErrors): void {
  const spec = obj.spec;
  if (!spec) return out.required('spec');
  if ((spec.replicas ?? 1) < 0) out.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0');
  validateSelector(spec.selector, 'spec.selector', out);
  validateTemplate(spec.template, spec.selector, 'spec.template', out, ['Always']);
  if ('strategy' in spec && spec.strategy?.type === 'RollingUpdate' && spec.strategy.rollingUpdate) {
    const ru = spec.strategy.rollingUpdate;
    if (intOrPercent(ru.maxSurge, 100) === 0 && intOrPercent(ru.maxUnavailable, 100) === 0) {
      out.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0');
    }
  }
}

function validateJob(job: IJob, out: FieldErrors): void {
  const spec = job.spec;
  if (!spec) return out.required('spec');
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished'] as const) {
    if (spec[f] !== undefined && spec[f]! < 0) out.invalid(`spec.${f}`, spec[f], 'must be greater than or equal to 0');
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) out.invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be greater than 0');
  validateTemplate(spec.template, spec.selector, 'spec.template', out, ['OnFailure', 'Never']);
  const pfp = spec.podFailurePolicy;
  if (pfp) {
    if (spec.template?.spec?.restartPolicy !== 'Never') out.invalid('spec.podFailurePolicy', null, 'only allowed when spec.template.spec.restartPolicy is Never');
    (pfp.rules ?? []).forEach((rule, i) => {
      const f = `spec.podFailurePolicy.rules[${i}]`;
      if (!['FailJob', 'Ignore', 'Count', 'FailIndex'].includes(rule.action)) out.notSupported(`${f}.action`, rule.action, ['Count', 'FailIndex', 'FailJob', 'Ignore']);
      if (!!rule.onExitCodes === !!rule.onPodConditions?.length) out.invalid(f, '', 'specifying one of OnExitCodes and OnPodConditions is required');
      if (rule.onExitCodes) {
        if (!['In', 'NotIn'].includes(rule.onExitCodes.operator)) out.notSupported(`${f}.onExitCodes.operator`, rule.onExitCodes.operator, ['In', 'NotIn']);
        if (!rule.onExitCodes.values?.length) out.required(`${f}.onExitCodes.values`);
        if (rule.onExitCodes.operator === 'In' && rule.onExitCodes.values?.includes(0)) out.invalid(`${f}.onExitCodes.values[0]`, 0, 'must not be 0 for the In operator');
      }
    });
  }
}

function validateService(svc: IService, out: FieldErrors): void {
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const ports = spec.ports ?? [];
  if (ports.length === 0 && type !== 'ExternalName' && spec.clusterIP !== 'None') out.required('spec.ports');
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (!(p.port >= 1 && p.port <= 65535)) out.invalid(`spec.ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive');
    if (ports.length > 1 && !p.name) out.required(`spec.ports[${i}].name`);
    if (p.name && names.has(p.name)) out.duplicate(`spec.ports[${i}].name`, p.name);
    if (p.name) names.add(p.name);
  });
  validateLabels(spec.selector, 'spec.selector', out);
}

function validateHpa(hpa: IHorizontalPodAutoscaler, out: FieldErrors): void {
  const spec = hpa.spec;
  if (!spec) return out.required('spec');
  if (!spec.scaleTargetRef?.kind) out.required('spec.scaleTargetRef.kind');
  if (!spec.scaleTargetRef?.name) out.required('spec.scaleTargetRef.name');
  const min = spec.minReplicas ?? 1;
  if (min < 1) out.invalid('spec.minReplicas', min, 'must be greater than or equal to 1');
  if (spec.maxReplicas < min) out.invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`');
  (spec.metrics ?? []).forEach((m, i) => {
    const types = ['Resource', 'Pods', 'Object', 'External', 'ContainerResource'];
    if (!types.includes(m.type)) out.notSupported(`spec.metrics[${i}].type`, m.type, types);
    if (m.type === 'Resource' && !m.resource) out.required(`spec.metrics[${i}].resource`, 'must populate information for the given metric source');
    if (m.type === 'Pods' && !m.pods) out.required(`spec.metrics[${i}].pods`, 'must populate information for the given metric source');
  });
}

function validateDataKeys(data: Record<string, unknown> | undefined, field: string, out: FieldErrors, base64: boolean): void {
  for (const [key, value] of Object.entries(data ?? {})) {
    if (!DATA_KEY.test(key) || key.length > 253) out.invalid(field, key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
    if (base64 && (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))) out.invalid(`${field}[${key}]`, '<secret contents redacted>', 'illegal base64 data');
  }
}

function validateCustom(obj: KObject, out: FieldErrors): void {
  const spec = obj.spec;
  if (!isObject(spec)) return out.required('spec');
  if (obj.kind === 'ServiceMonitor') {
    if (!isObject(spec.selector)) out.required('spec.selector');
    if (spec.endpoints !== undefined && !Array.isArray(spec.endpoints)) out.invalid('spec.endpoints', spec.endpoints, 'must be of type array');
  }
  if (obj.kind === 'PrometheusRule') {
    const groups = spec.groups;
    if (groups !== undefined && !Array.isArray(groups)) return out.invalid('spec.groups', groups, 'must be of type array');
    (groups as unknown[] | undefined ?? []).forEach((g, i) => {
      if (!isObject(g) || !g.name) out.required(`spec.groups[${i}].name`);
      const rules = isObject(g) && Array.isArray(g.rules) ? g.rules : [];
      rules.forEach((r: unknown, j: number) => {
        if (!isObject(r) || !r.expr) out.required(`spec.groups[${i}].rules[${j}].expr`);
        if (isObject(r) && !r.alert && !r.record) out.required(`spec.groups[${i}].rules[${j}]`, 'one of alert or record is required');
      });
    });
  }
}

function validatePriorityClass(obj: KObject, out: FieldErrors): void {
  const name = obj.metadata.name ?? '';
  const value = obj.value;
  if (typeof value !== 'number') return out.required('value');
  if (name.startsWith('system-')) {
    if (!(name in SYSTEM_PRIORITY_CLASSES)) out.invalid('metadata.name', name, "priority class names with 'system-' prefix are reserved for system use only");
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    out.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`);
  }
}

/** Kind-specific rules the real API server enforces beyond the schema. */
export function validateKind(obj: KObject, out: FieldErrors): void {
  switch (obj.kind) {
    case 'Pod': return validatePodSpec((obj as unknown as IPod).spec, 'spec', out);
    case 'Deployment':
    case 'ReplicaSet': return validateDeploymentLike(obj as unknown as IDeployment, out);
    case 'Job': return validateJob(obj as unknown as IJob, out);
    case 'Service': return validateService(obj as unknown as IService, out);
    case 'HorizontalPodAutoscaler': return validateHpa(obj as unknown as IHorizontalPodAutoscaler, out);
    case 'Secret': return validateDataKeys((obj as unknown as ISecret).data, 'data', out, true);
    case 'ConfigMap': return validateDataKeys(obj.data as Record<string, unknown> | undefined, 'data', out, false);
    case 'PersistentVolumeClaim': {
      const pvc = obj as unknown as IPersistentVolumeClaim;
      if (!pvc.spec?.accessModes?.length) out.required('spec.accessModes', 'at least 1 access mode is required');
      if (!pvc.spec?.resources?.requests?.storage) out.required('spec.resources[storage]');
      return;
    }
    case 'PriorityClass': return validatePriorityClass(obj, out);
    case 'ServiceMonitor':
    case 'PrometheusRule': return validateCustom(obj, out);
  }
}
