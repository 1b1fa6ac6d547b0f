import { existsSync } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { z } from 'zod';
import { ConfigError } from '@/server/env';
import { logger } from '@/server/logger';
import { ClusterClient } from './client';
import { Kinds } from './kinds';

/*
 * Which cluster NeuroWeaver talks to.
 *
 *   NEUROWEAVER_CLUSTER=auto (default): KUBECONFIG set → that cluster; else an in-cluster service account
 *     (token file and KUBERNETES_SERVICE_HOST present) → this cluster; else the simulator.
 *   NEUROWEAVER_CLUSTER=real: as auto, but a configuration error instead of the simulator.
 *   NEUROWEAVER_CLUSTER=sim: the simulator, whatever else is set.
 * ~/.kube/config alone is deliberately not enough: a laptop never reaches a real cluster by accident.
 *
 * The simulator runs inside the first process that needs it (web app or workers), which writes its
 * kubeconfig to NEUROWEAVER_SIM_KUBECONFIG (default .data/sim/kubeconfig.yaml); the other processes find
 * it there and connect over HTTP, so all of them see one cluster.
 */

export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export const SIMULATED_LABEL = 'Simulated cluster';

const emptyAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const clusterEnvSchema = z.object({
  KUBECONFIG: z.preprocess(emptyAsUnset, z.string().optional()),
  NEUROWEAVER_CLUSTER: z.preprocess(emptyAsUnset, z.enum(['auto', 'real', 'sim'], { error: 'must be auto, real or sim' }).default('auto')),
  NEUROWEAVER_NAMESPACE: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .max(63, 'must be at most 63 characters')
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits and "-")')
      .default('neuroweaver'),
  ),
  NEUROWEAVER_KUBE_CONTEXT: z.preprocess(emptyAsUnset, z.string().optional()),
  NEUROWEAVER_SIM_KUBECONFIG: z.preprocess(emptyAsUnset, z.string().optional()),
  NEUROWEAVER_SIM_STATE: z.preprocess(emptyAsUnset, z.string().optional()),
  NEUROWEAVER_SIM_SPEED: z.preprocess(emptyAsUnset, z.coerce.number({ error: 'must be a number' }).positive('must be greater than 0').optional()),
  NEUROWEAVER_SIM_GPUS: z.preprocess(emptyAsUnset, z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0).optional()),
  KUBERNETES_SERVICE_HOST: z.preprocess(emptyAsUnset, z.string().optional()),
});

export type ClusterTarget =
  | { kind: 'real'; source: 'kubeconfig'; kubeconfig: string; context?: string; namespace: string }
  | { kind: 'real'; source: 'in-cluster'; namespace: string }
  | {
      kind: 'simulated';
      namespace: string;
      /** Where the running simulator's kubeconfig is shared between processes. */
      kubeconfigPath: string;
      statePath?: string;
      speed?: number;
      gpus?: number;
    };

/** What the UI shows about the cluster. */
export interface ClusterIdentity {
  kind: 'real' | 'simulated';
  /** "Simulated cluster", or the kubeconfig context (in-cluster: "in-cluster"). */
  label: string;
  /** API server URL. */
  server: string;
  namespace: string;
}

export interface Cluster {
  identity: ClusterIdentity;
  client: ClusterClient;
  /** Stops the simulator when this process started it; otherwise only forgets the connection. */
  close(): Promise<void>;
}

/** Reads and validates the cluster variables; a ConfigError has one line naming the variable. */
export function resolveClusterTarget(
  env: Record<string, string | undefined> = process.env,
  fileExists: (file: string) => boolean = existsSync,
): ClusterTarget {
  const parsed = clusterEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Configuration error: ${String(issue.path[0] ?? 'environment')} ${issue.message}`);
  }
  const e = parsed.data;
  const namespace = e.NEUROWEAVER_NAMESPACE;
  const simulated = (): ClusterTarget => ({
    kind: 'simulated',
    namespace,
    kubeconfigPath: path.resolve(e.NEUROWEAVER_SIM_KUBECONFIG ?? path.join('.data', 'sim', 'kubeconfig.yaml')),
    ...(e.NEUROWEAVER_SIM_STATE ? { statePath: path.resolve(e.NEUROWEAVER_SIM_STATE) } : {}),
    ...(e.NEUROWEAVER_SIM_SPEED !== undefined ? { speed: e.NEUROWEAVER_SIM_SPEED } : {}),
    ...(e.NEUROWEAVER_SIM_GPUS !== undefined ? { gpus: e.NEUROWEAVER_SIM_GPUS } : {}),
  });
  if (e.NEUROWEAVER_CLUSTER === 'sim') return simulated();

  if (e.KUBECONFIG) {
    const files = e.KUBECONFIG.split(path.delimiter).filter(Boolean);
    const missing = files.find((f) => !fileExists(f));
    if (missing) throw new ConfigError(`Configuration error: KUBECONFIG names ${missing}, which does not exist`);
    return { kind: 'real', source: 'kubeconfig', kubeconfig: e.KUBECONFIG, namespace, ...(e.NEUROWEAVER_KUBE_CONTEXT ? { context: e.NEUROWEAVER_KUBE_CONTEXT } : {}) };
  }
  if (fileExists(SERVICE_ACCOUNT_TOKEN)) {
    if (!e.KUBERNETES_SERVICE_HOST) {
      throw new ConfigError('Configuration error: KUBERNETES_SERVICE_HOST is not set although a service account token is mounted');
    }
    return { kind: 'real', source: 'in-cluster', namespace };
  }
  if (e.NEUROWEAVER_CLUSTER === 'real') {
    throw new ConfigError('Configuration error: NEUROWEAVER_CLUSTER is real but neither KUBECONFIG nor an in-cluster service account is available');
  }
  return simulated();
}

function identityOf(kc: KubeConfig, kind: ClusterIdentity['kind'], label: string, namespace: string): ClusterIdentity {
  return { kind, label, server: kc.getCurrentCluster()?.server ?? '', namespace };
}

/** Connects to a real cluster (no I/O until the first call). */
export function connectRealCluster(target: Extract<ClusterTarget, { kind: 'real' }>): Cluster {
  const kc = new KubeConfig();
  if (target.source === 'in-cluster') {
    kc.loadFromCluster();
    const client = new ClusterClient(kc, target.namespace);
    return { identity: identityOf(kc, 'real', 'in-cluster', target.namespace), client, close: async () => undefined };
  }
  // loadFromDefault reads KUBECONFIG, merging a list of files as kubectl does.
  kc.loadFromDefault();
  if (target.context) {
    if (!kc.getContextObject(target.context)) {
      throw new ConfigError(`Configuration error: NEUROWEAVER_KUBE_CONTEXT names ${target.context}, which is not a context in KUBECONFIG`);
    }
    kc.setCurrentContext(target.context);
  }
  if (!kc.getCurrentCluster()) throw new ConfigError('Configuration error: KUBECONFIG has no current context with a cluster');
  const client = new ClusterClient(kc, target.namespace);
  return { identity: identityOf(kc, 'real', kc.getCurrentContext() || kc.getCurrentCluster()!.name, target.namespace), client, close: async () => undefined };
}

/**
 * Loads a simulator's kubeconfig. The simulator serves plain HTTP on loopback, which client-node only
 * accepts for clusters marked skipTLSVerify; a kubeconfig written without it is marked here (never for
 * a real cluster).
 */
export function loadSimulatorKubeconfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c));
  return kc;
}

/** A client for a simulator whose kubeconfig is at `kubeconfigPath`, when it answers within a second. */
async function joinRunningSimulator(kubeconfigPath: string, namespace: string): Promise<Cluster | null> {
  if (!existsSync(kubeconfigPath)) return null;
  let kc: KubeConfig;
  try {
    kc = loadSimulatorKubeconfig(kubeconfigPath);
    await Promise.race([
      kc.makeApiClient(VersionApi).getCode(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000).unref()),
    ]);
  } catch {
    return null;
  }
  const client = new ClusterClient(kc, namespace);
  return { identity: identityOf(kc, 'simulated', SIMULATED_LABEL, namespace), client, close: async () => undefined };
}

/** Starts the simulator in this process, sharing its kubeconfig at `target.kubeconfigPath`. */
export async function startSimulatedCluster(target: Extract<ClusterTarget, { kind: 'simulated' }>): Promise<Cluster> {
  // Imported on demand: the real-cluster path never loads the simulator.
  const { startSimulator } = await import('./sim');
  const sim = await startSimulator({
    namespace: target.namespace,
    kubeconfigPath: target.kubeconfigPath,
    ...(target.statePath ? { persistPath: target.statePath } : {}),
    ...(target.speed !== undefined ? { speed: target.speed } : {}),
    ...(target.gpus !== undefined ? { gpus: target.gpus } : {}),
  });
  const kc = loadSimulatorKubeconfig(sim.kubeconfigPath);
  const client = new ClusterClient(kc, target.namespace);
  return {
    identity: { kind: 'simulated', label: SIMULATED_LABEL, server: sim.url, namespace: target.namespace },
    client,
    close: async () => {
      await sim.stop();
      await rm(sim.kubeconfigPath, { force: true });
    },
  };
}

/**
 * Joins the simulator another process runs, or starts one here. A lock file next to the kubeconfig
 * keeps two processes starting at the same moment from starting two simulators.
 */
async function joinOrStartSimulator(target: Extract<ClusterTarget, { kind: 'simulated' }>): Promise<Cluster> {
  const lockPath = `${target.kubeconfigPath}.lock`;
  await mkdir(path.dirname(target.kubeconfigPath), { recursive: true });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const joined = await joinRunningSimulator(target.kubeconfigPath, target.namespace);
    if (joined) return joined;
    let lock;
    try {
      lock = await open(lockPath, 'wx');
    } catch {
      // Another process is starting one; a lock older than 30 s belongs to a process that died.
      const age = Date.now() - (await stat(lockPath).then((s) => s.mtimeMs).catch(() => Date.now()));
      if (age > 30_000 || Date.now() > deadline) await rm(lockPath, { force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      await lock.close();
      const again = await joinRunningSimulator(target.kubeconfigPath, target.namespace);
      if (again) return again;
      const cluster = await startSimulatedCluster(target);
      logger.info({ server: cluster.identity.server, kubeconfig: target.kubeconfigPath }, 'simulated cluster started');
      return cluster;
    } finally {
      await rm(lockPath, { force: true });
    }
  }
}

/** Connects to the cluster a target names (starting or joining the simulator for `simulated`). */
export async function connectCluster(target: ClusterTarget): Promise<Cluster> {
  if (target.kind === 'real') return connectRealCluster(target);
  const cluster = await joinOrStartSimulator(target);
  // The simulator creates its namespace, but a shared one may have lost it: make sure it is there.
  await cluster.client.apply({ apiVersion: Kinds.Namespace.apiVersion, kind: Kinds.Namespace.kind, metadata: { name: target.namespace } });
  return cluster;
}

let current: Promise<Cluster> | undefined;

/** The process's cluster, connected (or the simulator started) on first use. */
export function getCluster(): Promise<Cluster> {
  if (!current) {
    current = Promise.resolve()
      .then(() => connectCluster(resolveClusterTarget()))
      .catch((error) => {
        current = undefined;
        throw error;
      });
  }
  return current;
}

/** For shutdown paths and tests: stops a simulator this process started and forgets the connection. */
export async function closeCluster(): Promise<void> {
  const pending = current;
  current = undefined;
  if (pending) await (await pending.catch(() => null))?.close();
}
