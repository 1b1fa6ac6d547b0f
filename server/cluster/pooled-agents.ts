import type { Agent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

type AgentOptions = Record<string, unknown> & { rejectUnauthorized?: boolean; servername?: string; ca?: unknown; cert?: unknown; key?: unknown; pfx?: unknown };
type CreateAgent = (cluster: { server?: string; proxyUrl?: string } | null, options: AgentOptions) => Agent;

const pooled = new WeakSet<KubeConfig>();
const text = (v: unknown) => (v === undefined || v === null ? '' : Buffer.isBuffer(v) ? v.toString('base64') : String(v));

/**
 * client-node 1.x builds a new agent for every request (`KubeConfig.createAgent`), so every API call paid a
 * fresh TCP connection and TLS handshake — hundreds of milliseconds per call once a few dozen pipelines
 * applied Jobs at once. This keeps one keep-alive agent per TLS identity (server, proxy, CA, client
 * certificate, verification settings) for the KubeConfig's life; tokens travel in headers, so rotating
 * tokens still work, and a rotated client certificate gets an agent of its own.
 */
export function poolAgents(kc: KubeConfig): KubeConfig {
  if (pooled.has(kc)) return kc;
  const target = kc as unknown as { createAgent: CreateAgent };
  const original = target.createAgent.bind(kc);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const key = [cluster?.server, cluster?.proxyUrl, options.rejectUnauthorized, options.servername, text(options.ca), text(options.cert), text(options.key), text(options.pfx)].join('\u0000');
    let agent = agents.get(key);
    if (!agent) {
      agent = original(cluster, { ...options, keepAlive: true });
      if (agents.size > 16) agents.clear();
      agents.set(key, agent);
    }
    return agent;
  };
  pooled.add(kc);
  return kc;
}
