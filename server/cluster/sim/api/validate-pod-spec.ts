import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { nameErrors } from '../util/names';
import { parseQuantity } from '../util/quantity';
import type { FieldErrors } from './field-errors';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage']);

function validateResources(c: IContainer, field: string, out: FieldErrors): void {
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  for (const [kind, map] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, q] of Object.entries(map)) {
      const parsed = parseQuantity(q);
      const f = `${field}.resources.${kind}[${name}]`;
      if (parsed === undefined) out.invalid(f, q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
      else if (parsed < 0) out.invalid(f, q, 'must be greater than or equal to 0');
      else if (!STANDARD.has(name) && name.includes('/') && !Number.isInteger(parsed)) out.invalid(f, q, 'must be an integer');
    }
  }
  for (const [name, q] of Object.entries(requests)) {
    const r = parseQuantity(q);
    const l = limits[name] !== undefined ? parseQuantity(limits[name]) : undefined;
    if (r === undefined) continue;
    if (l !== undefined && r > l) out.invalid(`${field}.resources.requests`, q, `must be less than or equal to ${name} limit of ${limits[name]}`);
    if (!STANDARD.has(name) && name.includes('/')) {
      if (l === undefined) out.forbidden(`${field}.resources.limits`, `Limit must be set for non overcommitable resources`);
      else if (l !== r) out.invalid(`${field}.resources.requests`, q, `must be equal to ${name} limit of ${limits[name]}`);
    }
  }
}

function validateContainer(c: IContainer, field: string, volumes: Set<string>, out: FieldErrors): void {
  if (!c.name) out.required(`${field}.name`);
  else for (const e of nameErrors(c.name, 'label')) out.invalid(`${field}.name`, c.name, e);
  if (!c.image || !String(c.image).trim()) out.required(`${field}.image`);
  (c.ports ?? []).forEach((p, i) => {
    if (!(p.containerPort >= 1 && p.containerPort <= 65535)) out.invalid(`${field}.ports[${i}].containerPort`, p.containerPort, 'must be between 1 and 65535, inclusive');
  });
  (c.env ?? []).forEach((e, i) => {
    const f = `${field}.env[${i}]`;
    if (!e.name) out.required(`${f}.name`);
    else if (!ENV_NAME.test(e.name)) out.invalid(`${f}.name`, e.name, "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit");
    if (e.valueFrom) {
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((k) => (e.valueFrom as Record<string, unknown>)[k]);
      if (sources.length !== 1) out.invalid(`${f}.valueFrom`, '', 'may not have more than one field specified at a time');
      if (e.value) out.invalid(`${f}.valueFrom`, '', 'may not be specified when `value` is not empty');
      if (e.valueFrom.secretKeyRef && !e.valueFrom.secretKeyRef.key) out.required(`${f}.valueFrom.secretKeyRef.key`);
    }
  });
  (c.volumeMounts ?? []).forEach((m, i) => {
    if (!volumes.has(m.name)) out.notFound(`${field}.volumeMounts[${i}].name`, m.name);
    if (!m.mountPath) out.required(`${field}.volumeMounts[${i}].mountPath`);
  });
  validateResources(c, field, out);
}

/** The checks the API server adds to the schema for a pod spec (also inside templates). */
export function validatePodSpec(spec: IPodSpec | undefined, field: string, out: FieldErrors): void {
  if (!spec) {
    out.required(field);
    return;
  }
  const volumes = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    if (volumes.has(v.name)) out.duplicate(`${field}.volumes[${i}].name`, v.name);
    volumes.add(v.name);
    for (const e of nameErrors(v.name ?? '', 'label')) out.invalid(`${field}.volumes[${i}].name`, v.name, e);
  });
  if (!spec.containers || spec.containers.length === 0) out.required(`${field}.containers`);
  const names = new Set<string>();
  for (const [list, key] of [[spec.initContainers ?? [], 'initContainers'], [spec.containers ?? [], 'containers']] as const) {
    list.forEach((c, i) => {
      if (c.name && names.has(c.name)) out.duplicate(`${field}.${key}[${i}].name`, c.name);
      names.add(c.name);
      validateContainer(c, `${field}.${key}[${i}]`, volumes, out);
    });
  }
  if (spec.restartPolicy && !RESTART_POLICIES.includes(spec.restartPolicy)) out.notSupported(`${field}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES);
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) out.invalid(`${field}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive');
}
