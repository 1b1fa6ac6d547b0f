import { asc, eq } from 'drizzle-orm';
import { db, type DbOrTx } from '@/db/client';
import { abMetrics, abTests, abVariants } from '@/db/schema/ab';
import { NotFoundError } from '@/server/errors';
import type { AbTestConfig } from './stats';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type TestRow = typeof abTests.$inferSelect;
export type VariantRow = typeof abVariants.$inferSelect;
export type MetricRow = typeof abMetrics.$inferSelect;

/** A test with its variants (control first) and metrics, as every service needs it. */
export interface TestDefinition {
  test: TestRow;
  variants: VariantRow[];
  metrics: MetricRow[];
  weights: number[];
  /** Event metric names a batch may use: the declared metrics and the ratios' denominators. */
  eventMetrics: Set<string>;
}

export function notFound(ref: string): NotFoundError {
  return new NotFoundError(`A/B test "${ref}" not found`, 'test_id');
}

/** Loads a test; `lock` takes a row lock that serialises status changes. Non-uuid refs are not found. */
export async function loadTest(tx: DbOrTx, ref: string, opts: { lock?: boolean } = {}): Promise<TestDefinition> {
  if (!UUID.test(ref)) throw notFound(ref);
  const query = tx.select().from(abTests).where(eq(abTests.id, ref)).limit(1);
  const [test] = opts.lock ? await query.for('update') : await query;
  if (!test) throw notFound(ref);
  const [variants, metrics] = await Promise.all([
    tx.select().from(abVariants).where(eq(abVariants.testId, test.id)).orderBy(asc(abVariants.position)),
    tx.select().from(abMetrics).where(eq(abMetrics.testId, test.id)).orderBy(asc(abMetrics.position)),
  ]);
  return definitionOf(test, variants, metrics);
}

export function definitionOf(test: TestRow, variants: VariantRow[], metrics: MetricRow[]): TestDefinition {
  const eventMetrics = new Set(metrics.map((m) => m.name));
  for (const m of metrics) if (m.denominator) eventMetrics.add(m.denominator);
  return { test, variants, metrics, weights: variants.map((v) => v.weight), eventMetrics };
}

/** A test's analysis settings under their API names (shared by the engine config and the public view). */
export function analysisSettings(test: TestDefinition['test']) {
  return {
    method: test.method,
    alpha: test.alpha,
    power: test.power,
    minimumDetectableEffect: test.mde,
    minSamplePerVariant: test.minSamplePerVariant,
    sequentialTuning: test.sequentialTuning,
    correction: test.correction,
    prior: test.priorMean !== null && test.priorStdDev !== null ? { mean: test.priorMean, stdDev: test.priorStdDev } : null,
  };
}

/** The statistics engine's view of a test's configuration. */
export function engineConfig(def: TestDefinition): AbTestConfig {
  return {
    variants: def.variants.map((v) => ({ key: v.key, weight: v.weight })),
    metrics: def.metrics.map((m) => ({ name: m.name, kind: m.kind, role: m.role, direction: m.direction })),
    ...analysisSettings(def.test),
  };
}

/**
 * In-process cache of definitions for the hot assignment path. Variants, weights and salt never change
 * after creation; only the status does, and start/stop invalidate this process's entry. Another process
 * sees a status change within TTL_MS; the exposure insert re-checks the status in SQL, so a stale entry
 * can answer an assignment but never record an exposure for a test that is not running.
 */
const TTL_MS = 2_000;
const cache = new Map<string, { def: TestDefinition; expires: number }>();

/** The cached definition while it may be served, without a promise (the assignment path checks this first). */
export function freshDefinition(ref: string): TestDefinition | undefined {
  const hit = cache.get(ref);
  // Only a running test is served from the cache: a draft may have been started meanwhile elsewhere.
  return hit && hit.expires > Date.now() && hit.def.test.status === 'running' ? hit.def : undefined;
}

export async function cachedDefinition(ref: string): Promise<TestDefinition> {
  const fresh = freshDefinition(ref);
  if (fresh) return fresh;
  const now = Date.now();
  const def = await loadTest(db, ref);
  if (cache.size > 10_000) cache.clear();
  cache.set(ref, { def, expires: now + TTL_MS });
  return def;
}

export function invalidateDefinition(id: string) {
  cache.delete(id);
}
