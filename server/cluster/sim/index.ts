import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer, listen } from './api-server';
import { checkTypeMeta, prepareCreate } from './api/admission';
import { toApiError } from './api/store-errors';
import { loadSchemaModels } from './api/validate-schema';
import { WatchRegistry } from './api/watch-registry';
import { SimClock } from './clock';
import type { Controller, ControllerContext } from './controllers/context';
import { startDeployments } from './controllers/deployments';
import { startHpa } from './controllers/hpa';
import { startJobs } from './controllers/jobs';
import { startKubelet, type Kubelet } from './controllers/kubelet';
import { startNodes } from './controllers/nodes';
import { startReplicaSets } from './controllers/replicasets';
import { startScheduler } from './controllers/scheduler';
import { EventRecorder } from './events';
import { writeKubeconfig } from './kubeconfig';
import { resolveOptions, type SimulatorOptions } from './options';
import { PodLogs } from './pod-logs';
import { resourceTypeForKind, T, typeKey, type TypeKey } from './resources';
import { resolveService } from './services';
import { DEFAULT_SETTINGS, SettingsStore, type SimulatorSettings } from './settings';
import { ObjectStore, type KObject, type StoreSnapshot } from './store';
import { JsonFilePersistence } from './store/persistence';
import { selfSignedCertificate } from './tls/self-signed';

export type { SimulatorOptions, SimTimings } from './options';
export type { SimulatorSettings, FailureCause } from './settings';
export { FAILURE_CAUSES } from './settings';
export { ObjectStore, StoreError, type KObject, type StoreEvent } from './store';
export { serviceUrls } from './services';
export { startJudgeServer, type JudgeServer } from './model-server/judge';
export { startModelServer, type ModelServer, type ModelServerOptions } from './model-server/model-server';
export { kubeconfigYaml, writeKubeconfig } from './kubeconfig';
export { T as RESOURCE_KEYS } from './resources';

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Test hooks: break things on purpose so clients' recovery paths can be exercised. */
export interface SimulatorHooks {
  /** Ends every open watch (abrupt: destroy the sockets); returns how many were open. */
  dropWatches(options?: { abrupt?: boolean }): number;
  /** Forgets watch history (one type, e.g. "pods", or all): older resourceVersions get 410 Gone. */
  compact(type?: TypeKey): void;
  openWatches(): number;
}

export interface Simulator {
  /** API server URL (https://127.0.0.1:port, or http:// with `tls: false`). */
  url: string;
  kubeconfigPath: string;
  token: string;
  /** PEM certificate of the HTTPS server (trust it as the CA); undefined with `tls: false`. */
  caCert: string | undefined;
  namespace: string;
  store: ObjectStore;
  /** Live fault-injection settings (also at GET/PUT /sim/v1/settings on the API server). */
  settings: SettingsStore;
  podLogs: PodLogs;
  kubelet: Kubelet;
  hooks: SimulatorHooks;
  /** Loopback URLs of the ready pods behind a Service. */
  resolveService(namespace: string, name: string): string[];
  /**
   * Creates an object in-process exactly as a POST would (defaults, validation, 409/422 as
   * ApiError), for seeding demo data without HTTP. Namespaced objects default to `namespace`.
   */
  create<T extends KObject = KObject>(object: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown }): T;
  stop(): Promise<void>;
}

interface Persisted {
  version: 1;
  store: StoreSnapshot;
  settings: SimulatorSettings;
}

/**
 * Starts the Kubernetes API simulator: store, controllers (nodes, scheduler, kubelet with the
 * simulated trainer and model server, jobs, replicasets, deployments, HPA) and the HTTP API on
 * loopback, and writes a kubeconfig for it.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const opts = resolveOptions(options, randomBytes(24).toString('hex'));
  await loadSchemaModels();
  const store = new ObjectStore({ historySize: opts.historySize });
  const persistence: JsonFilePersistence<Persisted> | undefined = opts.persistPath
    ? new JsonFilePersistence<Persisted>(opts.persistPath, (): Persisted => ({ version: 1, store: store.snapshot(), settings: settings.get() }), opts.persistDebounceMs)
    : undefined;
  const saved: Persisted | undefined = persistence?.load();
  if (saved?.store) store.restore(saved.store);
  const explicitGpus = options.gpus !== undefined || options.node?.gpusPerNode !== undefined;
  const settings: SettingsStore = new SettingsStore({
    ...DEFAULT_SETTINGS,
    gpusPerNode: opts.node.gpusPerNode,
    ...saved?.settings,
    ...(explicitGpus ? { gpusPerNode: opts.node.gpusPerNode } : {}),
    ...options.settings,
  });
  for (const name of [...SYSTEM_NAMESPACES, opts.namespace]) {
    if (!store.get(T.namespaces, undefined, name)) {
      store.create(T.namespaces, { metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    }
  }

  const clock = new SimClock(opts.speed);
  const podLogs = new PodLogs();
  const ctx: ControllerContext = { store, clock, options: opts, settings, events: new EventRecorder(store, opts.maxEvents), podLogs };
  const kubelet = startKubelet(ctx);
  const controllers: Controller[] = [startNodes(ctx), startScheduler(ctx), kubelet, startJobs(ctx), startReplicaSets(ctx), startDeployments(ctx), startHpa(ctx, kubelet)];

  const watches = new WatchRegistry();
  let address = '';
  const tls = opts.tls ? selfSignedCertificate() : undefined;
  const server = createApiServer({ store, podLogs, watches, settings, options: opts, address: () => address }, tls);
  let info;
  try {
    info = await listen(server, opts.host, opts.port);
  } catch (err) {
    for (const c of controllers) c.stop();
    clock.dispose();
    throw err;
  }
  address = `${opts.host}:${info.port}`;
  const url = `${tls ? 'https' : 'http'}://${address}`;
  const kubeconfigPath = await writeKubeconfig(opts.kubeconfigPath ?? join(tmpdir(), `neuroweaver-sim-${info.port}.kubeconfig`), { server: url, token: opts.token, namespace: opts.namespace, caCert: tls?.cert });

  const unpersist = persistence ? store.subscribe(() => persistence.schedule()) : () => {};
  const unpersistSettings = persistence ? settings.onChange(() => persistence.schedule()) : () => {};
  persistence?.schedule();

  let stopped = false;
  return {
    url,
    kubeconfigPath,
    token: opts.token,
    caCert: tls?.cert,
    namespace: opts.namespace,
    store,
    settings,
    podLogs,
    kubelet,
    hooks: {
      dropWatches: (o) => watches.dropAll(o?.abrupt),
      compact: (type) => store.compact(type),
      openWatches: () => watches.size,
    },
    resolveService: (namespace, name) => resolveService(store, namespace, name),
    create<T extends KObject = KObject>(object: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string } }): T {
      const rt = resourceTypeForKind(object.apiVersion, object.kind);
      if (!rt) throw new Error(`the simulator does not serve ${object.apiVersion} ${object.kind}`);
      const body = checkTypeMeta(rt, object);
      const { object: prepared, uid } = prepareCreate({ store }, rt, body, rt.namespaced ? object.metadata.namespace ?? opts.namespace : undefined, 'neuroweaver-sim');
      try {
        return store.create<T>(typeKey(rt), prepared, { uid });
      } catch (err) {
        throw toApiError(rt, err, prepared.metadata.name);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      unpersist();
      unpersistSettings();
      for (const c of controllers) c.stop();
      clock.dispose();
      watches.dropAll(true);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persistence?.flush();
    },
  };
}
