import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  /** API server URL, e.g. http://127.0.0.1:6443 */
  server: string;
  token: string;
  namespace?: string;
  /** Cluster, user and context name. */
  name?: string;
  /** PEM CA certificate for an https server (the simulator's self-signed certificate). */
  caCert?: string;
}

/** A kubeconfig for the simulator: one cluster, a bearer-token user, one context (namespace neuroweaver). */
export function kubeconfigYaml({ server, token, namespace = 'neuroweaver', name = 'neuroweaver-sim', caCert }: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name, cluster: { server, ...(caCert ? { 'certificate-authority-data': Buffer.from(caCert).toString('base64') } : {}) } }],
    users: [{ name: `${name}-admin`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace } }],
    'current-context': name,
  });
}

/** Writes the kubeconfig (mode 0600, it holds the token) and returns its path. */
export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfigYaml(input), { mode: 0o600 });
  return path;
}
