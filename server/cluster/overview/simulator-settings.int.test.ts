import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { auditEvents } from '@/db/schema/audit';
import { createCaller } from '@/server/api/root';
import { createInnerTRPCContext } from '@/server/api/trpc';
import type { Actor } from '@/server/auth/actor';
import { client, startRestServer } from '@/test/rest-client';
import { testApiKey, testUser } from '@/test/fixtures';
import { joinTestSimulator } from './testing';

let env: Awaited<ReturnType<typeof joinTestSimulator>>;
let server: Awaited<ReturnType<typeof startRestServer>>;
let admin: Actor;
let viewer: Actor;

beforeAll(async () => {
  env = await joinTestSimulator({ gpus: 4, nodes: 2, speed: 50 });
  server = await startRestServer();
  admin = await testUser('admin');
  viewer = await testUser('viewer');
});
afterAll(async () => {
  await server?.close();
  await env?.stop();
});

const caller = (actor: Actor) => createCaller(createInnerTRPCContext({ actor }));

describe('simulator settings through tRPC and REST', () => {
  it('round-trips a change, applies it to the simulator, and audits what changed', async () => {
    const before = await caller(viewer).cluster.simulatorSettings();
    expect(before).toMatchObject({ jobFailure: 'none', gpusPerNode: 2 });

    const after = await caller(admin).cluster.updateSimulatorSettings({ jobFailure: 'OOMKilled', gpusPerNode: 3, crashDeployments: ['*'] });
    expect(after).toMatchObject({ jobFailure: 'OOMKilled', gpusPerNode: 3, crashDeployments: ['*'], modelErrorRate: null, jobFailureExitCode: 1 });
    expect(env.sim.settings.get()).toEqual(after);
    expect(await caller(viewer).cluster.simulatorSettings()).toEqual(after);

    const [row] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'cluster.simulator.settings'), eq(auditEvents.actorId, admin.id!)));
    expect(row).toMatchObject({ targetType: 'cluster', targetId: env.sim.url, targetLabel: 'Simulated cluster', actorLabel: admin.label });
    expect(row.summary).toEqual({
      changed: { jobFailure: { from: 'none', to: 'OOMKilled' }, gpusPerNode: { from: 2, to: 3 }, crashDeployments: { from: [], to: ['*'] } },
      requested: { jobFailure: 'OOMKilled', gpusPerNode: 3, crashDeployments: ['*'] },
    });

    // The nodes follow the new capacity.
    const overview = await caller(viewer).cluster.overview();
    expect(overview.totals.gpus).toBe(6);
  });

  it('refuses a viewer and an invalid change', async () => {
    await expect(caller(viewer).cluster.updateSimulatorSettings({ jobFailure: 'none' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller(admin).cluster.updateSimulatorSettings({ gpusPerNode: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('serves the same over REST', async () => {
    const key = await testApiKey('admin', 'cluster settings');
    const api = client(server.url, key);
    const patched = await api('PATCH', '/cluster/simulator/settings', { jobFailure: 'none', gpusPerNode: 2, crashDeployments: [] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ jobFailure: 'none', gpusPerNode: 2, crashDeployments: [] });
    const got = await api('GET', '/cluster/simulator/settings');
    expect(got.body).toEqual(patched.body);
    const invalid = await api('PATCH', '/cluster/simulator/settings', { speed: 3 });
    expect(invalid.status).toBe(422);
    const overview = await api('GET', '/cluster');
    expect(overview.status).toBe(200);
    expect(overview.body).toMatchObject({ identity: { kind: 'simulated', label: 'Simulated cluster' }, totals: { gpus: 4 } });
  });
});
