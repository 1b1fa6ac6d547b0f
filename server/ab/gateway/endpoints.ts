import { findServingEndpoint } from '@/server/deployments/endpoints';
import { getFamily } from '@/server/registry/families';
import type { TestDefinition } from '../definition';

export interface VariantEndpoint {
  baseUrl: string;
  /** What the model server serves the model as (vLLM's --served-model-name: the family slug). */
  servedModel: string;
}

/*
 * Where a variant's version is served, cached for a second: the gateway asks for every request, and a
 * rollout or undeploy is picked up within that second. A missing deployment is cached too, briefly, so a
 * flood of requests for an undeployed variant does not become a flood of lookups.
 */
const TTL_MS = 1_000;
const cache = new Map<string, { value: VariantEndpoint | null; expires: number }>();
const slugs = new Map<string, { slug: string; expires: number }>();

export async function variantEndpoint(def: TestDefinition, version: string): Promise<VariantEndpoint | null> {
  const key = `${def.test.familyId}@${version}`;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.value;
  const [serving, servedModel] = await Promise.all([findServingEndpoint({ familyId: def.test.familyId, version }), familySlug(def.test.familyId)]);
  const value = serving ? { baseUrl: serving.baseUrl, servedModel } : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { value, expires: now + TTL_MS });
  return value;
}

async function familySlug(familyId: string): Promise<string> {
  const now = Date.now();
  const hit = slugs.get(familyId);
  if (hit && hit.expires > now) return hit.slug;
  const family = await getFamily(familyId);
  slugs.set(familyId, { slug: family.slug, expires: now + 60_000 });
  return family.slug;
}
