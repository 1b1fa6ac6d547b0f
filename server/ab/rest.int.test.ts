import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { testApiKey } from '@/test/fixtures';
import { client, startRestServer } from '@/test/rest-client';
import { abRowCounts, exposureReconciliation, familyWithVersions, recomputedAggregates, storedAggregates, testBody } from './testing/fixtures';

let server: Awaited<ReturnType<typeof startRestServer>>;
let admin: ReturnType<typeof client>;
let engineer: ReturnType<typeof client>;
let pm: ReturnType<typeof client>;
let viewer: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startRestServer();
  const [a, e, p, v] = await Promise.all([testApiKey('admin'), testApiKey('ml_engineer'), testApiKey('product_manager'), testApiKey('viewer')]);
  admin = client(server.url, a);
  engineer = client(server.url, e);
  pm = client(server.url, p);
  viewer = client(server.url, v);
});
afterAll(() => server.close());

async function runningTest(overrides: Record<string, unknown> = {}) {
  const family = await familyWithVersions();
  const created = await pm('POST', '/ab-tests', testBody(family.slug, overrides));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await pm('POST', `/ab-tests/${created.body.id}/start`)).status).toBe(200);
  return { family, test: created.body as { id: string; variants: { key: string; version: string }[] } };
}

describe('A/B test lifecycle over REST', () => {
  it('lets a product manager create, start and stop; everyone reads; each change is audited', async () => {
    const family = await familyWithVersions();
    const created = await pm('POST', '/ab-tests', testBody(family.id));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      modelId: family.id,
      method: 'frequentist',
      alpha: 0.05,
      power: 0.8,
      sequentialTuning: 5000,
      correction: 'holm',
      variants: [
        { key: 'control', version: '1.0.0', weight: 0.5, control: true },
        { key: 'treatment', version: '1.1.0', weight: 0.5, description: 'warmer tone', control: false },
      ],
      metrics: [{ name: 'converted', kind: 'binomial' }, { name: 'latency_ms' }, { name: 'clicks', kind: 'ratio', denominator: 'views' }],
    });
    expect(created.body).not.toHaveProperty('salt');
    const id = created.body.id;

    expect((await pm('GET', `/ab-tests/${id}/assign?unit=u1`)).status).toBe(409); // draft
    const started = await engineer('POST', `/ab-tests/${id}/start`);
    expect(started.body).toMatchObject({ status: 'running', startedAt: expect.any(String) });
    expect((await engineer('POST', `/ab-tests/${id}/start`)).status).toBe(409);

    expect((await viewer('GET', `/ab-tests/${id}`)).body).toMatchObject({ id, status: 'running' });
    const list = await viewer('GET', '/ab-tests?status=running');
    expect(list.body.items.map((t: { id: string }) => t.id)).toContain(id);
    const results = await viewer('GET', `/ab-tests/${id}/results`);
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ testId: id, status: 'running', srm: { observed: [0, 0] }, recommendation: { action: 'continue' } });

    const stopped = await admin('POST', `/ab-tests/${id}/stop`, { reason: 'enough' });
    expect(stopped.body).toMatchObject({ status: 'stopped', stoppedAt: expect.any(String) });
    const audit = await db.execute<{ action: string }>(sql`select action from audit_events where target_type = 'ab_test' and target_id = ${id} order by id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['ab_test.create', 'ab_test.start', 'ab_test.stop']);
    expect((await viewer('GET', '/ab-tests/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await viewer('GET', '/ab-tests/not-a-uuid/results')).status).toBe(404);
  });

  it('refuses viewers on create, assign and events (403); anyone else may assign and send events', async () => {
    const { family, test } = await runningTest();
    expect((await viewer('POST', '/ab-tests', testBody(family.slug))).status).toBe(403);
    const assign = await viewer('GET', `/ab-tests/${test.id}/assign?unit=u1`);
    expect(assign.status).toBe(403);
    expect(assign.body.error.message).toContain('abTests:ingest');
    expect((await viewer('POST', `/ab-tests/${test.id}/events`, { events: [{ unit: 'u1', metric: 'converted', value: 1 }] })).status).toBe(403);
    expect((await viewer('POST', `/ab-tests/${test.id}/stop`)).status).toBe(403);
    for (const who of [admin, engineer, pm]) {
      expect((await who('GET', `/ab-tests/${test.id}/assign?unit=u1`)).status).toBe(200);
      expect((await who('POST', `/ab-tests/${test.id}/events`, { events: [{ unit: 'u1', metric: 'converted', value: 1 }] })).status).toBe(200);
    }
  });
});

describe('assignment', () => {
  it('answers {variant, version}, records the first assignment only, and counts it once', async () => {
    const { test } = await runningTest();
    const first = await engineer('GET', `/ab-tests/${test.id}/assign?unit=alice`);
    expect(first.status).toBe(200);
    const variant = test.variants.find((v) => v.key === first.body.variant)!;
    expect(first.body).toEqual({ variant: variant.key, version: variant.version });
    for (let i = 0; i < 5; i++) expect((await engineer('GET', `/ab-tests/${test.id}/assign?unit=alice`)).body).toEqual(first.body);
    const counts = await exposureReconciliation(test.id);
    expect(counts.reduce((s, c) => s + c.counted, 0)).toBe(1);
    expect(counts.every((c) => c.counted === c.rows)).toBe(true);
    const missing = await engineer('GET', `/ab-tests/${test.id}/assign`);
    expect(missing.status).toBe(422);
    expect(missing.body.error.field).toBe('unit');
  });

  it('gives the same answers from a separate process (fresh module state and connections)', async () => {
    const { test } = await runningTest({
      variants: [
        { key: 'a', version: '1.0.0', weight: 0.2 },
        { key: 'b', version: '1.1.0', weight: 0.3 },
        { key: 'c', version: '1.2.0', weight: 0.5 },
      ],
    });
    const { execFile } = await import('node:child_process');
    const path = await import('node:path');
    const root = path.resolve(__dirname, '../..');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(path.join(root, 'node_modules/.bin/tsx'), ['server/ab/testing/print-assignments.ts', test.id, '1000'], { cwd: root, env: process.env, maxBuffer: 10 << 20 }, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    );
    const fromChild = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string>;
    expect(Object.keys(fromChild)).toHaveLength(1000);
    const here: Record<string, string> = {};
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => engineer('GET', `/ab-tests/${test.id}/assign?unit=user-${i + j}`)));
      batch.forEach((r, j) => (here[`user-${i + j}`] = r.body.variant));
    }
    expect(here).toEqual(fromChild);
    const shares = ['a', 'b', 'c'].map((k) => Object.values(here).filter((v) => v === k).length / 1000);
    [0.2, 0.3, 0.5].forEach((w, i) => expect(Math.abs(shares[i] - w)).toBeLessThan(0.06));
    // The child recorded every exposure; the repeats here recorded none.
    const counts = await exposureReconciliation(test.id);
    expect(counts.reduce((s, c) => s + c.counted, 0)).toBe(1000);
    expect(counts.every((c) => c.counted === c.rows)).toBe(true);
  });
});

describe('bad input: documented 4xx, field named, nothing written', () => {
  const variants3 = [
    { key: 'control', version: '1.0.0', weight: 0.5 },
    { key: 'b', version: '1.1.0', weight: 0.3 },
  ];
  it.each([
    ['weights not summing to 1', { variants: variants3 }, 'variants', /sum to 1/],
    ['fewer than two variants', { variants: [{ key: 'control', version: '1.0.0', weight: 1 - 1e-12 }] }, 'variants', /at least two/],
    ['more than five variants', { variants: Array.from({ length: 6 }, (_, i) => ({ key: `v${i}`, version: '1.0.0', weight: 1 / 6 })) }, 'variants', /at most five/],
    ['a version from another family', { variants: [{ key: 'control', version: '1.0.0', weight: 0.5 }, { key: 'other', version: '9.9.9', weight: 0.5 }] }, 'variants.1.version', /not a version of model/],
    ['duplicate keys', { variants: [{ key: 'same', version: '1.0.0', weight: 0.5 }, { key: 'same', version: '1.1.0', weight: 0.5 }] }, 'variants.1.key', /duplicates/],
    ['a ratio metric without denominator', { metrics: [{ name: 'clicks', kind: 'ratio', role: 'primary', direction: 'increase' }] }, 'metrics.0.denominator', /required for a ratio/],
    ['alpha of 0.5', { alpha: 0.5 }, 'alpha', /\(0, 0\.5\)/],
    ['alpha of 0', { alpha: 0 }, 'alpha', /\(0, 0\.5\)/],
    ['alpha negative', { alpha: -0.1 }, 'alpha', /\(0, 0\.5\)/],
    ['an unknown method', { method: 'magic' }, 'method', /frequentist, sequential, bayesian/],
  ])('create: %s → 422', async (_name, overrides, field, message) => {
    const family = await familyWithVersions();
    const otherFamily = await familyWithVersions(['9.9.9']);
    expect(otherFamily.slug).not.toBe(family.slug);
    const before = await abRowCounts();
    const res = await pm('POST', '/ab-tests', testBody(family.slug, overrides));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', field, message: expect.stringMatching(message) });
    expect(await abRowCounts()).toEqual(before);
  });

  it('create: an unknown model → 404 naming modelId', async () => {
    const before = await abRowCounts();
    const res = await pm('POST', '/ab-tests', testBody('no-such-model'));
    expect(res.status).toBe(404);
    expect(res.body.error.field).toBe('modelId');
    expect(await abRowCounts()).toEqual(before);
  });

  const event = { unit: 'u1', metric: 'converted', value: 1 };
  it.each([
    ['an unknown metric', { events: [event, { ...event, metric: 'revenue' }] }, 422, 'events.1.metric', /unknown metric "revenue"/],
    ['a null (NaN) value', { events: [{ ...event, value: null }] }, 422, 'events.0.value', /finite/],
    ['a string value', { events: [{ ...event, value: '1' }] }, 422, 'events.0.value', /finite/],
    ['no events', { events: [] }, 422, 'events', /at least one/],
    ['more than 10,000 events', { events: Array.from({ length: 10_001 }, (_, i) => ({ unit: `u${i}`, metric: 'converted', value: 1 })) }, 422, 'events', /at most 10000/],
    ['a timestamp that is not a date', { events: [{ ...event, timestamp: 'yesterday' }] }, 422, 'events.0.timestamp', /ISO 8601/],
    ['a timestamp from before the test started', { events: [event, { ...event, timestamp: Date.now() - 3_600_000 }] }, 422, 'events.1.timestamp', /before the test started/],
    ['a timestamp in seconds, read as milliseconds (1970)', { events: [{ ...event, timestamp: Math.floor(Date.now() / 1000) }] }, 422, 'events.0.timestamp', /1970-.*before the test started/],
    ['a timestamp in the future', { events: [{ ...event, timestamp: new Date(Date.now() + 3_600_000).toISOString() }] }, 422, 'events.0.timestamp', /in the future/],
  ])('events: %s → 422 naming the field', async (_name, body, status, field, message) => {
    const { test } = await runningTest();
    const before = await abRowCounts();
    const res = await engineer('POST', `/ab-tests/${test.id}/events`, body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ field, message: expect.stringMatching(message) });
    expect(await abRowCounts()).toEqual(before);
  });

  it('events: an infinite value (1e999 in the JSON) → 422 naming the value', async () => {
    const { test } = await runningTest();
    const before = await abRowCounts();
    const res = await engineer('POST', `/ab-tests/${test.id}/events`, undefined, { raw: '{"events":[{"unit":"u1","metric":"converted","value":1},{"unit":"u1","metric":"converted","value":1e999}]}' });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe('events.1.value');
    expect(await abRowCounts()).toEqual(before);
  });

  it('events: an explicit variant that contradicts the assignment → 422 naming it', async () => {
    const { test } = await runningTest();
    const assigned = (await engineer('GET', `/ab-tests/${test.id}/assign?unit=bob`)).body.variant;
    const other = assigned === 'control' ? 'treatment' : 'control';
    const before = await abRowCounts();
    const res = await engineer('POST', `/ab-tests/${test.id}/events`, { events: [{ unit: 'bob', variant: assigned, metric: 'converted', value: 1 }, { unit: 'bob', variant: other, metric: 'converted', value: 1 }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ field: 'events.1.variant', message: expect.stringContaining(`assigned to "${assigned}"`) });
    expect(await abRowCounts()).toEqual(before);
    // A unit never assigned gets the hash's variant, so the same check applies before its first assignment.
    const fresh = await engineer('POST', `/ab-tests/${test.id}/events`, { events: [{ unit: 'carol', variant: 'nope', metric: 'converted', value: 1 }] });
    expect(fresh.body.error.field).toBe('events.0.variant');
  });

  it('events for a stopped or a draft test → 409, nothing written', async () => {
    const { test } = await runningTest();
    await pm('POST', `/ab-tests/${test.id}/stop`);
    const family = await familyWithVersions();
    const draft = (await pm('POST', '/ab-tests', testBody(family.slug))).body;
    const before = await abRowCounts();
    for (const id of [test.id, draft.id]) {
      const res = await engineer('POST', `/ab-tests/${id}/events`, { events: [event] });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(id === test.id ? /stopped/ : /not been started/);
      expect((await engineer('GET', `/ab-tests/${id}/assign?unit=u1`)).status).toBe(409);
    }
    expect(await abRowCounts()).toEqual(before);
    expect((await pm('POST', `/ab-tests/${test.id}/stop`)).status).toBe(409);
    expect((await pm('POST', `/ab-tests/${test.id}/start`)).status).toBe(409);
  });
});

describe('ingestion', () => {
  it('events: takes timestamps within the run, clock skew of a few minutes included, in both forms', async () => {
    const { test } = await runningTest();
    const now = Date.now();
    const events = [
      { unit: 'u1', metric: 'converted', value: 1, timestamp: now },
      { unit: 'u1', metric: 'latency_ms', value: 90, timestamp: new Date(now + 60_000).toISOString().replace('Z', '+00:00') },
      { unit: 'u2', metric: 'converted', value: 1, timestamp: new Date(now - 60_000).toISOString() }, // a sender's clock a minute behind, just after the start
    ];
    const res = await engineer('POST', `/ab-tests/${test.id}/events`, { events });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 3, duplicate: false, newUnits: 2 });
  });

  it('counts a batch retried with the same idempotency key once', async () => {
    const { test } = await runningTest();
    const body = { idempotencyKey: 'batch-1', events: [{ unit: 'u1', metric: 'latency_ms', value: 120 }, { unit: 'u1', metric: 'latency_ms', value: 80 }, { unit: 'u2', metric: 'converted', value: 1 }] };
    const first = await engineer('POST', `/ab-tests/${test.id}/events`, body);
    expect(first.body).toEqual({ accepted: 3, duplicate: false, newUnits: 2 });
    const again = await engineer('POST', `/ab-tests/${test.id}/events`, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ accepted: 3, duplicate: true, newUnits: 0 });
    const sums = await db.execute<{ unit: string; metric: string; sum: number }>(sql`select unit, metric, sum from ab_unit_metrics where test_id = ${test.id} order by unit, metric`);
    expect(sums.rows).toEqual([
      { unit: 'u1', metric: 'latency_ms', sum: 200 },
      { unit: 'u2', metric: 'converted', sum: 1 },
    ]);
    expect(await storedAggregates(test.id)).toEqual(await recomputedAggregates(test.id));
  });

  it('finds the better variant end to end: assignment, events, results → ship', async () => {
    const { test } = await runningTest();
    const UNITS = 5000;
    // 10 % against 20 %: z ≈ 10, so p < 0.001 holds whatever split the test's random id gives (at 15 % it failed about once in a hundred).
    const rate: Record<string, number> = { control: 0.1, treatment: 0.2 };
    let seed = 12345;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const assignment: string[] = [];
    for (let i = 0; i < UNITS; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, (_, j) => engineer('GET', `/ab-tests/${test.id}/assign?unit=user-${i + j}`)));
      batch.forEach((r, j) => (assignment[i + j] = r.body.variant));
    }
    const events = [];
    for (let i = 0; i < UNITS; i++) {
      const unit = `user-${i}`;
      if (rand() < rate[assignment[i]]) events.push({ unit, variant: assignment[i], metric: 'converted', value: 1 });
      // The better variant is also a little better on both guardrails (10 ms faster, 60 % against 50 % clicks):
      // a guardrail equal in both would flag a harm by chance in about one run in twenty, as the split depends
      // on the test's random id.
      const better = assignment[i] === 'treatment';
      events.push({ unit, metric: 'latency_ms', value: (better ? 190 : 200) + Math.floor(rand() * 100) });
      events.push({ unit, metric: 'views', value: 1 + Math.floor(rand() * 5) });
      if (rand() < (better ? 0.6 : 0.5)) events.push({ unit, metric: 'clicks', value: 1 });
    }
    for (let i = 0; i < events.length; i += 1000) {
      const res = await engineer('POST', `/ab-tests/${test.id}/events`, { events: events.slice(i, i + 1000), idempotencyKey: `e2e-${i}` });
      expect(res.status).toBe(200);
    }
    const results = await pm('GET', `/ab-tests/${test.id}/results`);
    expect(results.status).toBe(200);
    const r = results.body;
    expect(r.srm.ok).toBe(true);
    expect(r.srm.observed.reduce((s: number, n: number) => s + n, 0)).toBe(UNITS);
    const converted = r.metrics.find((m: { name: string }) => m.name === 'converted');
    expect(converted.variants[0].mean).toBeCloseTo(0.1, 1);
    expect(converted.variants[1].mean).toBeCloseTo(0.2, 1);
    expect(converted.comparisons[0]).toMatchObject({ variant: 'treatment', control: 'control', significant: true });
    expect(converted.comparisons[0].pValue).toBeLessThan(0.001);
    expect(r.recommendation).toMatchObject({ action: 'ship', variant: 'treatment' });
    expect(r.recommendation.reason).toMatch(/Ship "treatment"/);
    expect(await storedAggregates(test.id)).toEqual(await recomputedAggregates(test.id));

    const { createCaller } = await import('@/server/api/root');
    const { createInnerTRPCContext } = await import('@/server/api/trpc');
    const { testUser } = await import('@/test/fixtures');
    const caller = createCaller(createInnerTRPCContext({ actor: await testUser('viewer') }));
    const history = await caller.ab.liftHistory({ id: test.id });
    expect(history.length).toBeGreaterThan(0);
    expect(history.find((h) => h.metric === 'converted')).toMatchObject({ variant: 'treatment', n: expect.any(Number), relativeEffect: expect.any(Number) });
    expect((await caller.ab.results({ id: test.id })).recommendation.action).toBe('ship');
  });
});
