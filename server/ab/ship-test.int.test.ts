import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { approveApproval } from '@/server/registry/approvals';
import { getFamily } from '@/server/registry/families';
import { meta, testApiKey, testUser } from '@/test/fixtures';
import { client, startRestServer } from '@/test/rest-client';
import { loadTest } from './definition';
import { ingestEvents } from './ingest-events';
import { syntheticEvents } from './synthetic-events';
import { familyWithVersions, testBody } from './testing/fixtures';

let server: Awaited<ReturnType<typeof startRestServer>>;
let admin: ReturnType<typeof client>;
let pm: ReturnType<typeof client>;
let viewer: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startRestServer();
  const [a, p, v] = await Promise.all([testApiKey('admin'), testApiKey('product_manager'), testApiKey('viewer')]);
  admin = client(server.url, a);
  pm = client(server.url, p);
  viewer = client(server.url, v);
});
afterAll(() => server.close());

/**
 * A running test with 4,000 units converting at the given rates (15 % vs 10 % gives a clear `ship`).
 * Assignment hashes the test's random id, so a guardrail equal in both variants would flag a harm by chance
 * in about one run in twenty; the variant that converts better is therefore also a little better on both
 * guardrails (10 ms faster, 60 % against 50 % clicks).
 */
async function testWith(rates: { control: number; treatment: number }) {
  const better = rates.treatment > rates.control ? 'treatment' : 'control';
  const latencyBase = { control: 200, treatment: 200, [better]: 190 };
  const clickRate = { control: 0.5, treatment: 0.5, [better]: 0.6 };
  const family = await familyWithVersions();
  const created = await pm('POST', '/ab-tests', testBody(family.slug));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  expect((await pm('POST', `/ab-tests/${id}/start`)).status).toBe(200);
  const def = await loadTest(db, id);
  const events = syntheticEvents(def, {
    units: 4000,
    seed: 42,
    eventsFor: (variant, rand) => [
      { metric: 'converted', value: rand() < rates[variant as 'control' | 'treatment'] ? 1 : 0 },
      { metric: 'latency_ms', value: latencyBase[variant as 'control' | 'treatment'] + Math.floor(rand() * 100) },
      { metric: 'views', value: 2 },
      { metric: 'clicks', value: rand() < clickRate[variant as 'control' | 'treatment'] ? 1 : 0 },
    ],
  });
  for (let i = 0; i < events.length; i += 10_000) await ingestEvents(id, { events: events.slice(i, i + 10_000) });
  return { family, id };
}

const auditActions = async (id: string) =>
  (await db.execute<{ action: string }>(sql`select action from audit_events where target_type = 'ab_test' and target_id = ${id} order by id`)).rows.map((r) => r.action);

describe('shipping the winner of an A/B test', () => {
  it('a product manager ships: the test stops and a production-promotion approval is requested; an admin approves it', async () => {
    const { family, id } = await testWith({ control: 0.1, treatment: 0.15 });
    expect((await viewer('GET', `/ab-tests/${id}/results`)).body.recommendation).toMatchObject({ action: 'ship', variant: 'treatment' });
    expect((await viewer('POST', `/ab-tests/${id}/ship`, {})).status).toBe(403);

    const shipped = await pm('POST', `/ab-tests/${id}/ship`, { reason: 'clear win' });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    expect(shipped.body).toMatchObject({
      status: 'stopped',
      decision: { variant: 'treatment', version: '1.1.0', outcome: 'approval_requested', approvalId: expect.any(String), by: expect.stringContaining('product_manager') },
    });
    expect(await auditActions(id)).toEqual(['ab_test.create', 'ab_test.start', 'ab_test.stop', 'ab_test.ship']);
    // Nothing moved yet: the registry waits for an admin.
    expect((await getFamily(family.slug)).production).toBeNull();
    const { rows } = await db.execute<{ kind: string; status: string; reason: string }>(sql`select kind, status, reason from approvals where id = ${shipped.body.decision.approvalId}`);
    expect(rows[0]).toMatchObject({ kind: 'promotion', status: 'pending', reason: 'clear win' });

    const approved = await approveApproval(meta(await testUser('admin')), shipped.body.decision.approvalId);
    expect(approved).toMatchObject({ status: 'approved', toVersion: '1.1.0' });
    expect((await getFamily(family.slug)).production).toBe('1.1.0');

    const again = await pm('POST', `/ab-tests/${id}/ship`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already shipped variant "treatment"');
  });

  it('an admin ships: the production alias moves at once, with the recommendation as the reason', async () => {
    const { family, id } = await testWith({ control: 0.1, treatment: 0.15 });
    const shipped = await admin('POST', `/ab-tests/${id}/ship`, {});
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    expect(shipped.body.decision).toMatchObject({ variant: 'treatment', outcome: 'promoted', approvalId: null });
    expect((await getFamily(family.slug)).production).toBe('1.1.0');
    const history = await db.execute<{ reason: string }>(sql`select h.reason from model_history h where h.family_id = ${family.id} and h.kind = 'promoted'`);
    expect(history.rows[0].reason).toMatch(/^A\/B test ".*": Ship "treatment"/);
  });

  it('refuses (409, naming the recommendation) when the recommendation is not ship, and writes nothing', async () => {
    const { family, id } = await testWith({ control: 0.15, treatment: 0.1 }); // clearly worse: keep_control
    const rec = (await viewer('GET', `/ab-tests/${id}/results`)).body.recommendation;
    expect(rec.action).toBe('keep_control');
    const auditBefore = await auditActions(id);
    const refused = await pm('POST', `/ab-tests/${id}/ship`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(`the recommendation is "${rec.action}", not "ship"`);
    expect(refused.body.error.field).toBe('recommendation');
    expect((await viewer('GET', `/ab-tests/${id}`)).body).toMatchObject({ status: 'running', decision: null });
    expect(await auditActions(id)).toEqual(auditBefore);
    const approvals = await db.execute(sql`select 1 from approvals where family_id = ${family.id}`);
    expect(approvals.rows).toHaveLength(0);
  });

  it('refuses a draft (409) and an unknown test (404)', async () => {
    const family = await familyWithVersions();
    const created = await pm('POST', '/ab-tests', testBody(family.slug));
    expect((await pm('POST', `/ab-tests/${created.body.id}/ship`, {})).status).toBe(409);
    expect((await pm('POST', '/ab-tests/00000000-0000-4000-8000-000000000000/ship', {})).status).toBe(404);
  });
});
