import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import semver from 'semver';
import { db } from '@/db/client';
import { modelVersions } from '@/db/schema/registry';
import { systemActor } from '@/server/auth/actor';
import { createApiKey } from '@/server/auth/api-keys';
import { createFamily } from '@/server/registry/families';
import { semverSortKey } from '@/server/registry/semver-key';
import { startApiServer, startNext } from './lib/environment';
import { measure, summarize } from './lib/stats';

const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 10_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 500);

/** 10,000 versions: 100 minors × 100 patches, every fifth with a prerelease before it, parents chained. */
async function seedVersions(familyId: string) {
  const versions: string[] = [];
  for (let minor = 0; versions.length < VERSIONS; minor++) {
    for (let patch = 0; patch < 100 && versions.length < VERSIONS; patch++) {
      if (patch % 5 === 0 && versions.length < VERSIONS - 1) versions.push(`1.${minor}.${patch}-rc.1`);
      versions.push(`1.${minor}.${patch}`);
    }
  }
  const ids = versions.map(() => randomUUID());
  const rows = versions.map((version, i) => ({
    id: ids[i],
    familyId,
    version,
    sortKey: semverSortKey(version),
    parentId: i > 0 ? ids[i - 1] : null,
    baseModel: 'microsoft/DialoGPT-medium',
    config: { qlora: { rank: 16 + (i % 4) * 16, alpha: 32 }, learningRate: 2e-4, epochs: 3 },
    metrics: { eval_loss: 1.5 - i / (VERSIONS * 2), accuracy: 0.7 + i / (VERSIONS * 10) },
    metricDirections: { eval_loss: 'lower' as const, accuracy: 'higher' as const },
    createdByLabel: 'bench',
  }));
  for (let i = 0; i < rows.length; i += 1000) await db.insert(modelVersions).values(rows.slice(i, i + 1000));
  // A bulk load leaves the planner without statistics until autovacuum runs; measure the steady state.
  await db.execute(sql`analyze model_versions`);
  return versions;
}

async function runAgainst(baseUrl: string, key: string, slug: string, versions: string[]) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown, expected = 200) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    await res.arrayBuffer();
    if (res.status !== expected) throw new Error(`${method} ${path} → ${res.status}`);
  };
  const middle = await fetch(`${baseUrl}/api/v1/models/${slug}/versions?limit=200`, { headers }).then((r) => r.json() as Promise<{ nextCursor: string }>);
  const list = await measure(ITERATIONS, 50, (i) => call('GET', `/models/${slug}/versions?limit=50${i % 2 ? `&cursor=${middle.nextCursor}` : ''}`));
  const bump = await measure(ITERATIONS, 20, () => call('POST', `/models/${slug}/versions/bump`, { level: 'patch' }, 201));
  const released = versions.filter((v) => !semver.prerelease(v));
  const compare = await measure(ITERATIONS, 50, (i) =>
    call('POST', '/models/compare', { a: { model: slug, version: released[(i * 7919) % released.length] }, b: { model: slug, version: released[(i * 104729) % released.length] } }),
  );
  return { listVersionsPage: summarize(list), bumpLatest: summarize(bump), compare: summarize(compare) };
}

export async function benchRegistry() {
  const meta = { actor: systemActor, requestId: 'bench' };
  const family = await createFamily(meta, { slug: 'bench-10k', displayName: 'Bench 10k', baseModel: 'microsoft/DialoGPT-medium', specialization: 'bench' });
  const t0 = performance.now();
  const versions = await seedVersions(family.id);
  const seedMs = Math.round(performance.now() - t0);
  const { key } = await createApiKey(meta, { name: 'bench', role: 'admin' });

  let viaNext: Awaited<ReturnType<typeof runAgainst>> | null = null;
  if (!process.env.BENCH_SKIP_NEXT) {
    const next = await startNext(Number(process.env.BENCH_NEXT_PORT ?? 3199));
    viaNext = await runAgainst(next.url, key, family.slug, versions).finally(() => next.stop());
  }

  const api = await startApiServer(Number(process.env.BENCH_API_PORT ?? 3198));
  const viaApiServer = await runAgainst(api.url, key, family.slug, versions).finally(() => api.stop());

  const target = 25;
  const worst = (r: Record<string, { p99Ms: number }>) => Math.max(...Object.values(r).map((s) => s.p99Ms));
  return {
    versions: VERSIONS,
    seedMs,
    iterations: ITERATIONS,
    concurrency: 1,
    /** The same route table served two ways, each in its own process: Next's catch-all and the dedicated API server. */
    nextStart: viaNext,
    apiServer: viaApiServer,
    aimP99Ms: target,
    meetsAim: { nextStart: viaNext ? worst(viaNext) < target : null, apiServer: worst(viaApiServer) < target },
  };
}
