import type { IncomingMessage } from 'node:http';
import type { KObject } from '../store/types';
import { COLUMNS, DEFAULT_COLUMNS } from './table-columns';

/** Does the client ask for server-side printing (`kubectl get` does)? */
export function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
}

export function tableApiVersion(req: IncomingMessage): string {
  const accept = req.headers.accept ?? '';
  const first = accept.split(',').find((p) => p.includes('as=Table'));
  return first?.includes('v=v1beta1') && !first.includes('v=v1;') && !first.endsWith('v=v1') ? 'meta.k8s.io/v1beta1' : 'meta.k8s.io/v1';
}

/** A meta.k8s.io Table of objects of one kind; includeObject is None | Metadata (default) | Object. */
export function toTable(kind: string, objects: readonly KObject[], opts: { resourceVersion: string; includeObject?: string | null; apiVersion: string; continueToken?: string }): Record<string, unknown> {
  const columns = COLUMNS[kind] ?? DEFAULT_COLUMNS;
  const now = Date.now();
  const include = opts.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata: { resourceVersion: opts.resourceVersion, ...(opts.continueToken ? { continue: opts.continueToken } : {}) },
    columnDefinitions: columns.map(({ cell: _cell, ...def }) => ({ format: '', ...def })),
    rows: objects.map((obj) => ({
      cells: columns.map((c) => c.cell(obj, now)),
      ...(include === 'None' ? {} : {
        object: include === 'Object' ? obj : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
      }),
    })),
  };
}
