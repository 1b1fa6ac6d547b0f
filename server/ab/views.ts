import { analysisSettings, type TestDefinition } from './definition';

/** The public shape of a test (never the salt: assignment is served, not computed by clients). */
export function testView(def: TestDefinition) {
  const { test } = def;
  return {
    id: test.id,
    name: test.name,
    modelId: test.familyId,
    status: test.status,
    ...analysisSettings(test),
    variants: def.variants.map((v) => ({ key: v.key, version: v.version, versionId: v.versionId, weight: v.weight, description: v.description, control: v.position === 0 })),
    metrics: def.metrics.map((m) => ({ name: m.name, kind: m.kind, role: m.role, direction: m.direction, denominator: m.denominator })),
    createdBy: test.createdByLabel,
    createdAt: test.createdAt,
    updatedAt: test.updatedAt,
    startedAt: test.startedAt,
    stoppedAt: test.stoppedAt,
    /** The accepted `ship`, once taken: the production alias moved, or an admin was asked to move it. */
    decision:
      test.shippedVariant && test.shipOutcome && test.shippedAt
        ? {
            variant: test.shippedVariant,
            version: def.variants.find((v) => v.key === test.shippedVariant)?.version ?? null,
            outcome: test.shipOutcome,
            approvalId: test.shipApprovalId,
            by: test.shippedByLabel ?? '',
            at: test.shippedAt,
          }
        : null,
  };
}

export type TestView = ReturnType<typeof testView>;
