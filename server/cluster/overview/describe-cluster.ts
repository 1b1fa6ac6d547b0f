import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { logger } from '@/server/logger';
import { loadSimulatorKubeconfig, resolveClusterTarget, SIMULATED_LABEL, type ClusterIdentity } from '../config';

/**
 * The cluster this installation is configured for, without connecting to it (and without starting the
 * simulator): the app shell shows it on every page. The server URL of a simulator that is not running
 * yet is "". A configuration error gives `{ error }` with its one-line message.
 */
export function describeCluster(env: Record<string, string | undefined> = process.env): ClusterIdentity | { error: string } {
  try {
    const target = resolveClusterTarget(env);
    if (target.kind === 'simulated') {
      let server = '';
      if (existsSync(target.kubeconfigPath)) {
        try {
          server = loadSimulatorKubeconfig(target.kubeconfigPath).getCurrentCluster()?.server ?? '';
        } catch {
          // A half-written kubeconfig of a simulator that is starting: no URL yet.
        }
      }
      return { kind: 'simulated', label: SIMULATED_LABEL, server, namespace: target.namespace };
    }
    if (target.source === 'in-cluster') {
      const host = env.KUBERNETES_SERVICE_HOST ?? '';
      const port = env.KUBERNETES_SERVICE_PORT ?? '443';
      return { kind: 'real', label: 'in-cluster', server: host ? `https://${host.includes(':') ? `[${host}]` : host}:${port}` : '', namespace: target.namespace };
    }
    const kc = new KubeConfig();
    kc.loadFromDefault();
    if (target.context) kc.setCurrentContext(target.context);
    const cluster = kc.getCurrentCluster();
    return { kind: 'real', label: kc.getCurrentContext() || cluster?.name || 'kubeconfig', server: cluster?.server ?? '', namespace: target.namespace };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.warn({ err: error }, 'cluster configuration could not be read');
    return { error: message };
  }
}
