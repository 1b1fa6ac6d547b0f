import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Cluster } from './config';
import { Kinds } from './kinds';
import { labelSelector } from './manifests/labels';
import { serviceUrls } from './sim/services';

/*
 * Where a Service answers HTTP, as NeuroWeaver (outside or inside the cluster) reaches it.
 *
 *   Real cluster: the Service's cluster DNS name, `http://<svc>.<ns>.svc.cluster.local:<port>` (the
 *     control plane runs in the cluster; kube-proxy spreads requests over the ready pods).
 *   Simulator: there is no cluster network; each ready serving pod listens on loopback (podIP
 *     127.0.0.1, port in the `sim.neuroweaver.dev/port` annotation), so the URLs are the ready pods'.
 */

export interface ServiceRef {
  name: string;
  namespace: string;
}

/** Objects a caller already holds (e.g. one list of pods for many Services), to spare API calls. */
export interface Prefetched {
  service?: IService | null;
  pods?: readonly IPod[];
}

function httpPort(service: IService): number | undefined {
  const ports = service.spec?.ports ?? [];
  return (ports.find((p) => p.name === 'http') ?? ports[0])?.port;
}

/** The in-cluster DNS URL of a Service's `http` port (no trailing slash). */
export function clusterDnsUrl(service: IService): string | null {
  const port = httpPort(service);
  const name = service.metadata?.name;
  const namespace = service.metadata?.namespace;
  if (!port || !name || !namespace) return null;
  return `http://${name}.${namespace}.svc.cluster.local${port === 80 ? '' : `:${port}`}`;
}

/**
 * Base URLs (no trailing slash) at which a Service's backends answer; [] when the Service is missing
 * or (on the simulator) none of its pods is ready.
 */
export async function serviceBaseUrls(cluster: Cluster, ref: ServiceRef, prefetched: Prefetched = {}): Promise<string[]> {
  const service = prefetched.service !== undefined ? prefetched.service : await cluster.client.find(Kinds.Service, ref.name, ref.namespace);
  if (!service) return [];
  if (cluster.identity.kind === 'real') {
    const url = clusterDnsUrl(service);
    return url ? [url] : [];
  }
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const pods = prefetched.pods ?? (await cluster.client.list(Kinds.Pod, { labelSelector: labelSelector(selector) }, ref.namespace)).items;
  return serviceUrls(service, pods);
}
