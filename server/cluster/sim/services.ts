import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import { SIM } from './controllers/context';
import { isPodReady } from './controllers/pod-status';
import { T } from './resources';
import { matchesRequirements, requirementsOf } from './selectors/label-selector';
import type { ObjectStore } from './store';
import type { Stored } from './store/types';

/**
 * Loopback URLs of a Service's ready endpoints, from objects alone: pods in the Service's
 * namespace matching its selector, Ready, with the simulated server's port in the
 * `sim.neuroweaver.dev/port` annotation (podIP is 127.0.0.1). Works on objects fetched over the
 * API too, so a NeuroWeaver process talking to an out-of-process simulator can use it.
 */
export function serviceUrls(service: IService, pods: readonly IPod[]): string[] {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const reqs = requirementsOf({ matchLabels: selector });
  return pods
    .filter((p) => p.metadata?.namespace === service.metadata?.namespace && matchesRequirements(p.metadata?.labels, reqs))
    .filter((p) => isPodReady(p) && p.metadata?.annotations?.[`${SIM}/port`])
    .map((p) => `http://${p.status?.podIP ?? '127.0.0.1'}:${p.metadata!.annotations![`${SIM}/port`]}`);
}

/** `serviceUrls` against the in-process store: [] when the Service does not exist. */
export function resolveService(store: ObjectStore, namespace: string, name: string): string[] {
  const service = store.get<Stored<IService>>(T.services, namespace, name);
  if (!service) return [];
  return serviceUrls(service, store.list<Stored<IPod>>(T.pods, { namespace }));
}
