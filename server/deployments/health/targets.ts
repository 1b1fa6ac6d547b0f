import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Cluster } from '@/server/cluster/config';
import { MODEL_SERVER_PORT } from '@/server/cluster/manifests/model-server';
import { type ServiceRef, serviceBaseUrls } from '@/server/cluster/service-endpoints';

/*
 * Where the monitor scrapes /metrics: each ready pod behind the Service, at its own address. Scraping the
 * Service instead reaches whichever pod kube-proxy picks, so two scrapes in a row may come from different
 * pods and their counter difference would mix them (or go negative and be taken for a restart).
 */

export interface ScrapeTarget {
  /** The pod's uid (its URL when it has none): a replaced pod starts a new series. */
  key: string;
  url: string;
}

function isReady(pod: IPod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/** The port the Service's `http` port forwards to in the pod: a number, or a container port found by name. */
function targetPortOf(service: IService, pod: IPod): number {
  const ports = service.spec?.ports ?? [];
  const target = (ports.find((p) => p.name === 'http') ?? ports[0])?.targetPort;
  if (typeof target === 'number') return target;
  if (typeof target === 'string') {
    if (/^\d+$/.test(target)) return Number(target);
    for (const c of pod.spec?.containers ?? []) {
      const port = c.ports?.find((p) => p.name === target)?.containerPort;
      if (port) return port;
    }
  }
  return (ports.find((p) => p.name === 'http') ?? ports[0])?.port ?? MODEL_SERVER_PORT;
}

/** A real cluster: `http://<podIP>:<targetPort>` of each ready pod (the control plane runs in the cluster network). */
export function podScrapeTargets(service: IService | null, pods: readonly IPod[]): ScrapeTarget[] {
  if (!service) return [];
  const out: ScrapeTarget[] = [];
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    if (!ip || !isReady(pod)) continue;
    const url = `http://${ip.includes(':') ? `[${ip}]` : ip}:${targetPortOf(service, pod)}`;
    out.push({ key: pod.metadata?.uid ?? url, url });
  }
  return out;
}

/**
 * Scrape targets of one deployment. On the simulator each ready pod listens on loopback at a port of its
 * own, which the cluster layer resolves (one pod at a time, so each URL keeps its pod's uid).
 */
export async function scrapeTargets(cluster: Cluster, ref: ServiceRef, service: IService | null, pods: readonly IPod[]): Promise<ScrapeTarget[]> {
  if (!service) return [];
  if (cluster.identity.kind === 'real') return podScrapeTargets(service, pods);
  const out: ScrapeTarget[] = [];
  for (const pod of pods) {
    if (!isReady(pod)) continue;
    const [url] = await serviceBaseUrls(cluster, ref, { service, pods: [pod] });
    if (url) out.push({ key: pod.metadata?.uid ?? url, url });
  }
  return out;
}
