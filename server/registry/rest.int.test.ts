import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { revokeApiKey, listApiKeys } from '@/server/auth/api-keys';
import { systemMeta, testApiKey, uniqueSlug } from '@/test/fixtures';
import { client, startRestServer } from '@/test/rest-client';

let server: Awaited<ReturnType<typeof startRestServer>>;
let admin: ReturnType<typeof client>;
let admin2: ReturnType<typeof client>;
let engineer: ReturnType<typeof client>;
let viewer: ReturnType<typeof client>;
let anonymous: ReturnType<typeof client>;

beforeAll(async () => {
  server = await startRestServer();
  const [a, a2, e, v] = await Promise.all([testApiKey('admin'), testApiKey('admin', 'second admin'), testApiKey('ml_engineer'), testApiKey('viewer')]);
  admin = client(server.url, a);
  admin2 = client(server.url, a2);
  engineer = client(server.url, e);
  viewer = client(server.url, v);
  anonymous = client(server.url);
});
afterAll(() => server.close());

const rowCounts = async () => (await db.execute<{ v: number; h: number; a: number; f: number }>(sql`select (select count(*)::int from model_versions) v, (select count(*)::int from model_history) h, (select count(*)::int from audit_events) a, (select count(*)::int from model_families) f`)).rows[0];

async function family() {
  const slug = uniqueSlug('svc');
  const res = await engineer('POST', '/models', { slug, displayName: 'Service advisor', baseModel: 'microsoft/DialoGPT-medium', specialization: 'service_advisor' });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string };
}

describe('REST registry workflow', () => {
  it('creates, bumps, promotes, compares and rolls back over HTTP, with camelCase JSON and request ids', async () => {
    const f = await family();
    const v1 = await engineer('POST', `/models/${f.slug}/versions`, { version: '1.0.0', metrics: { accuracy: 0.7, eval_loss: 1.3 }, config: { qlora: { rank: 16 } } });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ id: expect.any(String), version: '1.0.0', metricDirections: { eval_loss: 'lower' } });
    expect(v1.headers.get('x-request-id')).toBeTruthy();
    const v2 = await engineer('POST', `/models/${f.id}/versions/bump`, { level: 'minor', metrics: { accuracy: 0.8 } });
    expect(v2.body).toMatchObject({ version: '1.1.0', parentVersion: '1.0.0' });

    expect((await engineer('POST', `/models/${f.slug}/versions/1.1.0/promote`, { stage: 'production' })).status).toBe(403);
    expect((await admin('POST', `/models/${f.slug}/versions/1.0.0/promote`, { stage: 'production' })).status).toBe(200);
    expect((await admin('POST', `/models/${f.slug}/versions/1.1.0/promote`, { stage: 'production' })).status).toBe(200);

    const cmp = await viewer('POST', '/models/compare', { a: { model: f.slug, version: '1.0.0' }, b: { model: f.slug, version: '1.1.0' } });
    expect(cmp.status).toBe(200);
    expect(cmp.body.metrics.find((m: { name: string }) => m.name === 'accuracy')).toMatchObject({ better: 'b' });

    const rb = await engineer('POST', `/models/${f.slug}/rollback`, { toVersion: '1.0.0', reason: 'regression in tone' });
    expect(rb.status).toBe(201);
    expect(rb.body).toMatchObject({ status: 'pending', fromVersion: '1.1.0', toVersion: '1.0.0' });
    const inbox = await admin('GET', '/approvals?status=pending');
    expect(inbox.body.map((x: { id: string }) => x.id)).toContain(rb.body.id);
    const ok = await admin('POST', `/approvals/${rb.body.id}/approve`, { reason: 'agreed' });
    expect(ok.status).toBe(200);
    const detail = await viewer('GET', `/models/${f.slug}`);
    expect(detail.body.production).toBe('1.0.0');
    expect(detail.body.aliases).toMatchObject({ production: { version: '1.0.0', status: 'production' }, staging: null });
    const again = await admin2('POST', `/approvals/${rb.body.id}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already approved/);

    const history = await viewer('GET', `/models/${f.slug}/history`);
    expect(history.body[0]).toMatchObject({ kind: 'rolled_back', version: '1.0.0', previousVersion: '1.1.0' });
    const page = await viewer('GET', `/models/${f.slug}/versions?limit=1`);
    expect(page.body.items.map((v: { version: string }) => v.version)).toEqual(['1.1.0']);
    const page2 = await viewer('GET', `/models/${f.slug}/versions?limit=1&cursor=${page.body.nextCursor}`);
    expect(page2.body.items.map((v: { version: string }) => v.version)).toEqual(['1.0.0']);
  });
});

describe('REST bad input: documented 4xx, field named, nothing written', () => {
  it.each([
    ['invalid semver', 'POST', (s: string) => `/models/${s}/versions`, { version: '1.0' }, 422, 'version', /semantic version/],
    ['leading v', 'POST', (s: string) => `/models/${s}/versions`, { version: 'v2.0.0' }, 422, 'version', /semantic version/],
    ['existing version', 'POST', (s: string) => `/models/${s}/versions`, { version: '1.0.0' }, 409, 'version', /already exists/],
    ['bump from a missing version', 'POST', (s: string) => `/models/${s}/versions/bump`, { level: 'minor', from: '4.0.0' }, 404, 'from', /4\.0\.0.*not found/],
    ['bad bump level', 'POST', (s: string) => `/models/${s}/versions/bump`, { level: 'huge' }, 422, 'level', /major, minor, patch, prerelease/],
    ['unknown model', 'POST', () => `/models/no-such-model/versions`, { version: '1.0.0' }, 404, 'model_id', /no-such-model/],
    ['metric not a number', 'POST', (s: string) => `/models/${s}/versions`, { version: '3.0.0', metrics: { loss: 'low' } }, 422, 'metrics.loss', /number/],
    ['rollback to the production version', 'POST', (s: string) => `/models/${s}/rollback`, { toVersion: '1.0.0', reason: 'noop' }, 422, 'toVersion', /already the production/],
    ['rollback to an archived version', 'POST', (s: string) => `/models/${s}/rollback`, { toVersion: '0.9.0', reason: 'old' }, 422, 'toVersion', /archived/],
    ['rollback without a reason', 'POST', (s: string) => `/models/${s}/rollback`, { toVersion: '0.9.0' }, 422, 'reason', /expected string/],
  ] as const)('%s', async (_name, method, path, body, status, field, message) => {
    const f = await family();
    await engineer('POST', `/models/${f.slug}/versions`, { version: '0.9.0' });
    await engineer('POST', `/models/${f.slug}/versions/0.9.0/archive`, {});
    await engineer('POST', `/models/${f.slug}/versions`, { version: '1.0.0' });
    await admin('POST', `/models/${f.slug}/versions/1.0.0/promote`, { stage: 'production' });
    const before = await rowCounts();
    const res = await engineer(method, path(f.slug), body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ field, message: expect.stringMatching(message) });
    expect(res.body.error.code).toBeTruthy();
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses approving one’s own request (403) and approving twice (409)', async () => {
    const f = await family();
    await engineer('POST', `/models/${f.slug}/versions`, { version: '1.0.0' });
    await engineer('POST', `/models/${f.slug}/versions`, { version: '1.1.0' });
    await admin('POST', `/models/${f.slug}/versions/1.1.0/promote`, { stage: 'production' });
    const rb = await admin('POST', `/models/${f.slug}/rollback`, { toVersion: '1.0.0', reason: 'admin asks' });
    const own = await admin('POST', `/approvals/${rb.body.id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/another admin/);
    expect((await admin2('POST', `/approvals/${rb.body.id}/approve`, {})).status).toBe(200);
    expect((await admin2('POST', `/approvals/${rb.body.id}/approve`, {})).status).toBe(409);
    expect((await admin2('POST', `/approvals/00000000-0000-4000-8000-000000000000/approve`, {})).status).toBe(404);
  });

  it('answers malformed JSON with 400, a body over 1 MiB with 413, and a wrong method with 405', async () => {
    const f = await family();
    const authorization = await keyHeader();
    const before = await rowCounts();
    const bad = await engineer('POST', `/models/${f.slug}/versions`, undefined, { raw: '{"version": "1.0.0",' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Malformed JSON/);
    const big = await engineer('POST', `/models/${f.slug}/versions`, undefined, { raw: JSON.stringify({ version: '1.0.0', notes: 'x'.repeat(1024 * 1024) }) });
    expect(big.status).toBe(413);
    const chunked = await fetch(`${server.url}/api/v1/models/${f.slug}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const wrong = await engineer('PUT', `/models/${f.slug}`, {});
    expect(wrong.status).toBe(405);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses missing, malformed, unknown and revoked API keys with 401', async () => {
    expect((await anonymous('GET', '/models')).status).toBe(401);
    expect((await client(server.url, 'not-a-key')('GET', '/models')).status).toBe(401);
    expect((await client(server.url, `nw_AAAAAAAA_${'B'.repeat(32)}`)('GET', '/models')).status).toBe(401);
    const key = await testApiKey('ml_engineer', 'to revoke');
    const call = client(server.url, key);
    expect((await call('GET', '/models')).status).toBe(200);
    const row = (await listApiKeys()).find((k) => key.startsWith(`${k.prefix}_`))!;
    expect(row.lastUsedAt).not.toBeNull();
    await revokeApiKey(systemMeta, row.id);
    const res = await call('GET', '/models');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/revoked/);
  });
});

let keyForChunked: string | undefined;
async function keyHeader() {
  keyForChunked ??= await testApiKey('ml_engineer', 'chunked');
  return `Bearer ${keyForChunked}`;
}
