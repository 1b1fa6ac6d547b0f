import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import packageJson from '@/package.json';
import { createCallerFactory, createInnerTRPCContext, createTRPCRouter } from '@/server/api/trpc';
import { handleRestRequest } from '@/server/http/handle';
import { RestRouter } from '@/server/http/router';
import { closeQueues, enqueue } from '@/server/queue/factory';
import { closeRedis } from '@/server/queue/redis';
import { testUser } from '@/test/fixtures';
import { systemRoutes } from './rest';
import { systemRouter } from './router';
import { systemStatusSchema } from './schemas';
import { getSystemStatus } from './service';

afterAll(async () => {
  await closeQueues();
  await closeRedis();
  await closeDb();
});

const maintenanceCounts = async () => (await getSystemStatus()).queues.find((q) => q.name === 'maintenance')?.counts;

describe('getSystemStatus', () => {
  it('reports the web process, database and Redis as up, in the documented shape', async () => {
    const status = await getSystemStatus();
    expect(() => systemStatusSchema.parse(status)).not.toThrow();
    expect(status.web).toMatchObject({ version: packageJson.version, node: process.version, pid: process.pid });
    expect(status.database).toMatchObject({ ok: true });
    expect(status.redis).toMatchObject({ ok: true });
    expect(status.database.latencyMs).toBeLessThan(1_000);
    expect(status.queues.map((q) => q.name)).toContain('maintenance');
  });

  it('counts a waiting job in its queue', async () => {
    const before = await maintenanceCounts();
    expect(before).toMatchObject({ waiting: expect.any(Number), active: expect.any(Number), delayed: expect.any(Number), completed: expect.any(Number), failed: expect.any(Number), paused: 0 });
    const job = await enqueue('maintenance', 'expire-approvals', {}, { jobId: `count-${randomUUID()}` });
    expect((await maintenanceCounts())!.waiting - before!.waiting).toBe(1);
    await job.remove();
  });
});

describe('system API', () => {
  const caller = createCallerFactory(createTRPCRouter({ system: systemRouter }));

  it('serves status over tRPC to any signed-in role and refuses anonymous callers', async () => {
    const viewer = await testUser('viewer');
    const status = await caller(createInnerTRPCContext({ actor: viewer })).system.status();
    expect(status.redis.ok).toBe(true);
    await expect(caller(createInnerTRPCContext({ actor: null })).system.status()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('serves public liveness and protected status over REST', async () => {
    const router = new RestRouter(systemRoutes);
    const get = (path: string) => handleRestRequest(router, new Request(`http://localhost/api/v1${path}`), path);

    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, version: packageJson.version });

    expect((await get('/system/status')).status).toBe(401);
  });
});
