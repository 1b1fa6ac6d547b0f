import { createTest } from '@/server/ab/create-test';
import type { CreateTestInput } from '@/server/ab/schemas';
import { startTest } from '@/server/ab/start-test';
import { systemActor } from '@/server/auth/actor';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';

const meta = { actor: systemActor, requestId: 'bench-ab' };

/** A model family with versions 1.0.0 and 1.1.0, made through the registry's services. */
export async function benchFamily(slug: string) {
  const family = await createFamily(meta, { slug, displayName: `Bench ${slug}`, baseModel: 'microsoft/DialoGPT-medium', specialization: 'bench' });
  for (const version of ['1.0.0', '1.1.0']) await createVersion(meta, family.slug, { version });
  return family;
}

/** A running A/B test of 1.0.0 (control) against 1.1.0 (treatment), 50/50, with the given metrics and settings. */
export async function startedTest(familySlug: string, name: string, metrics: CreateTestInput['metrics'], settings: Partial<CreateTestInput> = {}) {
  const test = await createTest(meta, {
    name,
    modelId: familySlug,
    variants: [
      { key: 'control', version: '1.0.0', weight: 0.5 },
      { key: 'treatment', version: '1.1.0', weight: 0.5 },
    ],
    metrics,
    method: 'sequential',
    alpha: 0.05,
    power: 0.8,
    minimumDetectableEffect: 0.02,
    minSamplePerVariant: 1000,
    sequentialTuning: 5000,
    correction: 'holm',
    ...settings,
  });
  await startTest(meta, test.id);
  return test;
}
