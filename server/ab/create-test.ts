import { randomBytes } from 'node:crypto';
import { db } from '@/db/client';
import { abMetrics, abTests, abVariants } from '@/db/schema/ab';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { NotFoundError, ValidationError } from '@/server/errors';
import { resolveFamily, resolveVersion, type VersionRow } from '@/server/registry/refs';
import { definitionOf } from './definition';
import type { CreateTestInput } from './schemas';
import { testView } from './views';

/**
 * Creates a test in `draft`. The body's shape and cross-field rules (weights, keys, denominators) are
 * checked by createTestSchema; here the registry is consulted: every variant must be a version of the
 * test's model, or the request is refused naming `variants.N.version` and nothing is written.
 */
export async function createTest(meta: RequestMeta, input: CreateTestInput) {
  return db.transaction(async (tx) => {
    const family = await resolveFamily(tx, input.modelId, { field: 'modelId' });
    const versions: VersionRow[] = [];
    for (const [i, v] of input.variants.entries()) {
      try {
        versions.push(await resolveVersion(tx, family, v.version, `variants.${i}.version`));
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new ValidationError(`variants.${i}.version: ${v.version} is not a version of model "${family.slug}"`, `variants.${i}.version`);
      }
    }
    const [test] = await tx
      .insert(abTests)
      .values({
        name: input.name,
        familyId: family.id,
        salt: randomBytes(12).toString('base64url'),
        method: input.method,
        alpha: input.alpha,
        power: input.power,
        mde: input.minimumDetectableEffect,
        minSamplePerVariant: input.minSamplePerVariant,
        sequentialTuning: input.sequentialTuning,
        correction: input.correction,
        priorMean: input.prior?.mean ?? null,
        priorStdDev: input.prior?.stdDev ?? null,
        createdById: meta.actor.id,
        createdByLabel: meta.actor.label,
      })
      .returning();
    const variants = await tx
      .insert(abVariants)
      .values(input.variants.map((v, i) => ({ testId: test.id, key: v.key, versionId: versions[i].id, version: versions[i].version, weight: v.weight, description: v.description ?? '', position: i })))
      .returning();
    const metrics = await tx
      .insert(abMetrics)
      .values(input.metrics.map((m, i) => ({ testId: test.id, name: m.name, kind: m.kind, role: m.role, direction: m.direction, denominator: m.denominator ?? null, position: i })))
      .returning();
    const view = testView(definitionOf(test, variants.sort((a, b) => a.position - b.position), metrics.sort((a, b) => a.position - b.position)));
    await recordAudit(tx, meta, {
      action: 'ab_test.create',
      targetType: 'ab_test',
      targetId: test.id,
      targetLabel: test.name,
      summary: { model: family.slug, method: view.method, variants: view.variants.map((v) => ({ key: v.key, version: v.version, weight: v.weight })), metrics: view.metrics.map((m) => m.name) },
    });
    return view;
  });
}
