import type { SimulatorSettings } from './settings';

/**
 * Durations in cluster time (ms). Each is divided by `speed`, so `speed: 50` runs a one-minute
 * training job in just over a second.
 */
export interface SimTimings {
  /** Image pull, from scheduling until the container starts. */
  imagePullMs: number;
  /** Container creation after the pull. */
  containerStartMs: number;
  /** A model server pod's time from container start to Ready. */
  readyDelayMs: number;
  /** Training length when the job's NW_CONFIG names none. */
  trainerDurationMs: number;
  /** Pod re-creation back-off after a failed Job pod (doubles each time, capped). */
  jobBackoffBaseMs: number;
  jobBackoffMaxMs: number;
  /** Container restart back-off for crash loops (doubles each time, capped). */
  crashBackoffBaseMs: number;
  crashBackoffMaxMs: number;
  /** How long a crashing container runs before it exits. */
  crashAfterMs: number;
  /** HPA evaluation period. */
  hpaSyncMs: number;
  /** Every controller re-examines everything this often (a safety net; they are event-driven). */
  resyncMs: number;
}

export interface NodeOptions {
  count: number;
  /** GPUs per node (nvidia.com/gpu capacity); the `gpus` total option sets this when given. */
  gpusPerNode: number;
  cpu: string;
  memory: string;
  gpuProduct: string;
}

export interface SimulatorOptions {
  /** Bind address; loopback by default. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * Serve HTTPS with a self-signed certificate (default true; the kubeconfig carries it as the CA).
   * kubectl only sends bearer tokens over TLS, so plain HTTP suits API clients but not kubectl.
   */
  tls?: boolean;
  /** Bearer token clients must send; random when omitted. */
  token?: string;
  /** Where to write the kubeconfig; a file in the OS temp folder when omitted. */
  kubeconfigPath?: string;
  /** The kubeconfig context's namespace, created at start. Default `neuroweaver`. */
  namespace?: string;
  /** JSON file to load at start and save to (debounced); memory only when omitted. */
  persistPath?: string;
  persistDebounceMs?: number;
  /** Number of nodes (default 4). */
  nodes?: number;
  /** Total GPUs, spread evenly over the nodes (default 16). */
  gpus?: number;
  node?: Partial<Omit<NodeOptions, 'count'>>;
  /** Time factor: 1 is real time, 100 makes everything a hundred times faster. */
  speed?: number;
  timings?: Partial<SimTimings>;
  /** Initial fault-injection settings. */
  settings?: Partial<SimulatorSettings>;
  /** Watch events kept per type (default 1000); watches from older resourceVersions get 410. */
  historySize?: number;
  /** Bookmark period for watches with allowWatchBookmarks (real ms, not scaled; default 1000). */
  bookmarkIntervalMs?: number;
  /**
   * How a watch from an expired resourceVersion is refused. `event` (default, what a real API server
   * does): HTTP 200 and one ERROR event carrying a 410 Expired Status. `status`: an HTTP 410 response.
   */
  expiredWatch?: 'event' | 'status';
  /** Events kept in the store before the oldest are deleted (default 5000). */
  maxEvents?: number;
  /** Trainer callback attempts per event before it is dropped (default 3). */
  callbackAttempts?: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  tls: boolean;
  token: string;
  kubeconfigPath: string | undefined;
  namespace: string;
  persistPath: string | undefined;
  persistDebounceMs: number;
  node: NodeOptions;
  speed: number;
  timings: SimTimings;
  historySize: number;
  bookmarkIntervalMs: number;
  expiredWatch: 'event' | 'status';
  maxEvents: number;
  callbackAttempts: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  imagePullMs: 1_500,
  containerStartMs: 1_000,
  readyDelayMs: 3_000,
  trainerDurationMs: 60_000,
  jobBackoffBaseMs: 10_000,
  jobBackoffMaxMs: 360_000,
  crashBackoffBaseMs: 10_000,
  crashBackoffMaxMs: 300_000,
  crashAfterMs: 2_000,
  hpaSyncMs: 15_000,
  resyncMs: 30_000,
};

export function resolveOptions(options: SimulatorOptions, token: string): ResolvedOptions {
  const count = options.nodes ?? 4;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error('speed must be a positive number');
  if (!(count >= 1)) throw new Error('nodes must be at least 1');
  const gpusPerNode = options.gpus !== undefined ? Math.floor(options.gpus / count) : options.node?.gpusPerNode ?? 4;
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    tls: options.tls ?? true,
    token: options.token ?? token,
    kubeconfigPath: options.kubeconfigPath,
    namespace: options.namespace ?? 'neuroweaver',
    persistPath: options.persistPath,
    persistDebounceMs: options.persistDebounceMs ?? 250,
    node: { count, gpusPerNode, cpu: options.node?.cpu ?? '32', memory: options.node?.memory ?? '256Gi', gpuProduct: options.node?.gpuProduct ?? 'NVIDIA-A100-SXM4-80GB' },
    speed,
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    historySize: options.historySize ?? 1000,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    expiredWatch: options.expiredWatch ?? 'event',
    maxEvents: options.maxEvents ?? 5000,
    callbackAttempts: options.callbackAttempts ?? 3,
  };
}
