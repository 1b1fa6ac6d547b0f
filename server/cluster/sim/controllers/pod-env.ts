import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { T } from '../resources';
import type { ObjectStore } from '../store';
import type { KObject, Stored } from '../store/types';
import { getPath } from '../util/json';

export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

function fieldRef(pod: IPod, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return pod.metadata?.[m[1] as 'labels' | 'annotations']?.[m[2]] ?? '';
  const v = getPath(pod, path.split('.'));
  return v === undefined ? '' : String(v);
}

/**
 * A container's environment as the kubelet builds it: `envFrom`, then `env` with `value`,
 * `valueFrom.secretKeyRef` (decoded from the stored Secret), `configMapKeyRef` and `fieldRef`. A
 * missing Secret or key gives the kubelet's CreateContainerConfigError message.
 */
export function resolveEnv(store: ObjectStore, pod: IPod, container: IContainer): EnvResult {
  const ns = pod.metadata?.namespace;
  const env: Record<string, string> = {};
  const secret = (name: string) => store.get<Stored<ISecret>>(T.secrets, ns, name);
  const configMap = (name: string) => store.get<KObject>(T.configmaps, ns, name)?.data as Record<string, string> | undefined;
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.secretRef) {
      const s = secret(from.secretRef.name ?? '');
      if (!s && !from.secretRef.optional) return { ok: false, message: `secret "${from.secretRef.name}" not found` };
      for (const [k, v] of Object.entries(s?.data ?? {})) env[prefix + k] = Buffer.from(v, 'base64').toString('utf8');
    }
    if (from.configMapRef) {
      const cm = configMap(from.configMapRef.name ?? '');
      if (!cm && !from.configMapRef.optional) return { ok: false, message: `configmap "${from.configMapRef.name}" not found` };
      Object.assign(env, Object.fromEntries(Object.entries(cm ?? {}).map(([k, v]) => [prefix + k, v])));
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string) => env[name] ?? all);
      continue;
    }
    const ref = e.valueFrom;
    if (!ref) {
      env[e.name] = '';
    } else if (ref.secretKeyRef) {
      const s = secret(ref.secretKeyRef.name ?? '');
      if (!s) {
        if (ref.secretKeyRef.optional) continue;
        return { ok: false, message: `secret "${ref.secretKeyRef.name}" not found` };
      }
      const raw = s.data?.[ref.secretKeyRef.key];
      if (raw === undefined) {
        if (ref.secretKeyRef.optional) continue;
        return { ok: false, message: `couldn't find key ${ref.secretKeyRef.key} in Secret ${ns}/${ref.secretKeyRef.name}` };
      }
      env[e.name] = Buffer.from(raw, 'base64').toString('utf8');
    } else if (ref.configMapKeyRef) {
      const cm = configMap(ref.configMapKeyRef.name ?? '');
      const v = cm?.[ref.configMapKeyRef.key];
      if (v === undefined) {
        if (ref.configMapKeyRef.optional) continue;
        return { ok: false, message: cm ? `couldn't find key ${ref.configMapKeyRef.key} in ConfigMap ${ns}/${ref.configMapKeyRef.name}` : `configmap "${ref.configMapKeyRef.name}" not found` };
      }
      env[e.name] = v;
    } else if (ref.fieldRef) {
      env[e.name] = fieldRef(pod, ref.fieldRef.fieldPath);
    } else {
      env[e.name] = '';
    }
  }
  return { ok: true, env };
}
