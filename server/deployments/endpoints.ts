import { and, eq } from 'drizzle-orm';
import { db } from '@/db/client';
import { deployments } from '@/db/schema/deployments';
import { getCluster } from '@/server/cluster';
import { serviceBaseUrls } from '@/server/cluster/service-endpoints';

/*
 * Where a version of a model is served, for machine traffic (the A/B router). On the hot path, so
 * answers are cached for CACHE_MS per (family, version); on the simulator the Service resolves to its
 * ready pods and calls rotate over them.
 */

const CACHE_MS = 1_000;

export interface ServingEndpoint {
  deploymentId: string;
  environment: 'staging' | 'production';
  baseUrl: string;
}

const cache = new Map<string, { at: number; value: Promise<{ deploymentId: string; environment: 'staging' | 'production'; urls: string[] } | null> }>();
let turn = 0;

async function resolve(familyId: string, version: string) {
  const rows = await db
    .select({ id: deployments.id, environment: deployments.environment, name: deployments.name, namespace: deployments.namespace })
    .from(deployments)
    .where(and(eq(deployments.familyId, familyId), eq(deployments.version, version), eq(deployments.status, 'active')));
  if (rows.length === 0) return null;
  // Production first when both environments serve the version.
  rows.sort((a, b) => (a.environment === 'production' ? -1 : 1) - (b.environment === 'production' ? -1 : 1));
  const cluster = await getCluster();
  for (const row of rows) {
    const urls = await serviceBaseUrls(cluster, row);
    if (urls.length) return { deploymentId: row.id, environment: row.environment, urls };
  }
  return null;
}

/**
 * An HTTP base URL (no trailing slash) at which the model server of exactly this version answers
 * `/v1/chat/completions`, or null when no active deployment serves it with a ready endpoint.
 */
export async function findServingEndpoint(input: { familyId: string; version: string }): Promise<ServingEndpoint | null> {
  const key = `${input.familyId}\u0000${input.version}`;
  const now = Date.now();
  let hit = cache.get(key);
  if (!hit || now - hit.at > CACHE_MS) {
    hit = { at: now, value: resolve(input.familyId, input.version) };
    hit.value.catch(() => cache.delete(key));
    cache.set(key, hit);
    if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
  }
  const found = await hit.value;
  if (!found) return null;
  return { deploymentId: found.deploymentId, environment: found.environment, baseUrl: found.urls[turn++ % found.urls.length] };
}

/** For tests: forget cached answers. */
export function clearEndpointCache() {
  cache.clear();
}
