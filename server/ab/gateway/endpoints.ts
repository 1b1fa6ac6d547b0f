import { findServingEndpoint } from '@/server/deployments/endpoints';
import { getFamily } from '@/server/registry/families';
import type { TestDefinition } from '../definition';

export interface VariantEndpoint {
  baseUrl: string;
  /** What the model server serves the model as (vLLM's --served-model-name: the family slug). */
  servedModel: string;
}

/** Family slugs do not change in practice; cached for a minute so the hot path does not ask each time. */
const SLUG_TTL_MS = 60_000;
const slugs = new Map<string, { slug: string; expires: number }>();

/** Where a variant's version is served now (the deployments domain caches and balances over ready pods). */
export async function variantEndpoint(def: TestDefinition, version: string): Promise<VariantEndpoint | null> {
  const [serving, servedModel] = await Promise.all([findServingEndpoint({ familyId: def.test.familyId, version }), familySlug(def.test.familyId)]);
  return serving ? { baseUrl: serving.baseUrl, servedModel } : null;
}

async function familySlug(familyId: string): Promise<string> {
  const now = Date.now();
  const hit = slugs.get(familyId);
  if (hit && hit.expires > now) return hit.slug;
  const family = await getFamily(familyId);
  if (slugs.size > 10_000) slugs.clear();
  slugs.set(familyId, { slug: family.slug, expires: now + SLUG_TTL_MS });
  return family.slug;
}
