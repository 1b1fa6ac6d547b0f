import type { KObject } from '../store/types';
import { getPath } from '../util/json';
import { SelectorParseError } from './label-selector';

/** `metadata.name=x,status.phase!=Running` — equality only, on the fields each type supports. */
export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

const COMMON = ['metadata.name', 'metadata.namespace'];

const SUPPORTED: Record<string, string[]> = {
  pods: ['status.phase', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.name', 'involvedObject.kind', 'involvedObject.uid', 'involvedObject.namespace', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  'jobs.batch': ['status.successful'],
  secrets: ['type'],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  'replicasets.apps': ['status.replicas'],
};

export function parseFieldSelector(input: string | undefined, resource: string): FieldRequirement[] {
  if (!input) return [];
  const allowed = [...COMMON, ...(SUPPORTED[resource] ?? [])];
  return input.split(',').map((t) => t.trim()).filter(Boolean).map((term) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorParseError(`invalid selector: '${term}'; can't understand '${term}'`);
    if (!allowed.includes(m[1])) throw new SelectorParseError(`field label not supported: ${m[1]}`);
    return { field: m[1], value: m[3], negate: m[2] === '!=' };
  });
}

function fieldValue(obj: KObject, field: string): string {
  if (field === 'source') return String(getPath(obj, ['source', 'component']) ?? '');
  if (field === 'status.successful') return String(getPath(obj, ['status', 'succeeded']) ?? '0');
  const value = getPath(obj, field.split('.'));
  return value === undefined || value === null ? '' : String(value);
}

export function matchesFields(obj: KObject, requirements: readonly FieldRequirement[]): boolean {
  return requirements.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}
