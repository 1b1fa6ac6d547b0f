import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { db } from '@/db/client';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError } from '@/server/errors';
import { getCluster, loadSimulatorKubeconfig, resolveClusterTarget, type Cluster } from '../config';
import { clusterErrorFromResponse, ClusterUnavailableError } from '../errors';
import { simulatorSettingsSchema, type SimulatorSettingsPatch, type SimulatorSettingsView } from './schemas';

/*
 * The simulator's fault-injection settings, through `GET/PATCH /sim/v1/settings` on its API server.
 * The simulator may run in another process (the web app and the workers share one), so this always
 * goes over HTTPS with the simulator's kubeconfig: its CA certificate and bearer token.
 */

const SETTINGS_PATH = '/sim/v1/settings';
const TIMEOUT_MS = 5_000;

/** Thrown for a real cluster: there are no settings to read or change. */
export class NotSimulatedError extends ConflictError {
  constructor() {
    super('not a simulated cluster: fault-injection settings exist only for the simulator');
  }
}

/** The settings of the simulator NeuroWeaver is connected to. @throws NotSimulatedError on a real cluster */
export async function getSimulatorSettings(cluster?: Cluster): Promise<SimulatorSettingsView> {
  const kc = await simulatorConfig(cluster ?? (await getCluster()));
  return simulatorSettingsSchema.parse(await call(kc, 'GET'));
}

/**
 * Changes some settings (the rest stay) and records `cluster.simulator.settings` in the audit log with
 * what changed. The simulator validates again and answers the whole new settings.
 * @throws NotSimulatedError on a real cluster
 */
export async function updateSimulatorSettings(meta: RequestMeta, patch: SimulatorSettingsPatch, cluster?: Cluster): Promise<SimulatorSettingsView> {
  const c = cluster ?? (await getCluster());
  const kc = await simulatorConfig(c);
  const before = simulatorSettingsSchema.parse(await call(kc, 'GET'));
  const after = simulatorSettingsSchema.parse(await call(kc, 'PATCH', patch));
  const changed = Object.fromEntries(
    (Object.keys(patch) as Array<keyof SimulatorSettingsView>)
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .map((k) => [k, { from: before[k], to: after[k] }]),
  );
  // The settings live in the simulator, not the database: the transaction holds only the audit row.
  await db.transaction((tx) =>
    recordAudit(tx, meta, {
      action: 'cluster.simulator.settings',
      targetType: 'cluster',
      targetId: c.identity.server || null,
      targetLabel: c.identity.label,
      summary: { changed, requested: patch },
    }),
  );
  return after;
}

/** The simulator's kubeconfig (CA and token), checked to point at the server the cluster identity names. */
async function simulatorConfig(cluster: Cluster): Promise<KubeConfig> {
  if (cluster.identity.kind !== 'simulated') throw new NotSimulatedError();
  const target = resolveClusterTarget();
  if (target.kind !== 'simulated') throw new NotSimulatedError();
  let kc: KubeConfig;
  try {
    kc = loadSimulatorKubeconfig(target.kubeconfigPath);
  } catch (error) {
    throw new ClusterUnavailableError(`the simulator's kubeconfig ${target.kubeconfigPath} could not be read: ${(error as Error).message}`, undefined, { cause: error });
  }
  const server = kc.getCurrentCluster()?.server;
  if (cluster.identity.server && server !== cluster.identity.server) {
    // The simulator was restarted (new port) since this process connected to it.
    throw new ClusterUnavailableError(`the simulator at ${cluster.identity.server} is gone (its kubeconfig now names ${server})`);
  }
  return kc;
}

/** One JSON request to the simulator's settings endpoint; its errors become the cluster layer's. */
async function call(kc: KubeConfig, method: 'GET' | 'PATCH', body?: unknown): Promise<unknown> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new ClusterUnavailableError('the simulator kubeconfig names no server');
  const url = new URL(SETTINGS_PATH, server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const options: https.RequestOptions = {
    method,
    headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
  };
  // Bearer token, CA certificate (and client certificates, were there any) exactly as for API calls.
  await kc.applyToHTTPSOptions(options);
  const transport = url.protocol === 'https:' ? https : http;
  const what = `${method} ${SETTINGS_PATH}`;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = transport.request(url, { ...options, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (error) => reject(new ClusterUnavailableError(`${what} at ${server}: ${error.message}`, undefined, { cause: error })));
    req.end(payload);
  });
  if (status < 200 || status > 299) throw clusterErrorFromResponse(status, text, what);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClusterUnavailableError(`${what}: the simulator answered something that is not JSON`);
  }
}
