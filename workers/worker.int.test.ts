import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '@/db/client';
import packageJson from '@/package.json';
import { closeQueues, enqueue, getQueue } from '@/server/queue/factory';
import { heartbeatKey } from '@/server/queue/heartbeat';
import { closeRedis, getRedis } from '@/server/queue/redis';
import type { WorkerStatus } from '@/server/system/schemas';
import { getSystemStatus } from '@/server/system/service';

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- worker output ---\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let child: ChildProcess;
let output = '';
let worker: WorkerStatus;
const startedAt = Date.now();

beforeAll(async () => {
  // A scheduler no longer in the schedule table: the worker should remove it at start.
  await getQueue('maintenance').upsertJobScheduler('retired-schedule', { every: 3_600_000 }, { name: 'expire-approvals', data: { olderThanHours: 1 } });
  // The real entry point, as `npm run workers` starts it, with this test's database and Redis prefix.
  child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  worker = await waitFor(
    // This child's own heartbeat: a worker of another test file (same Redis prefix) may still be alive.
    async () => (await getSystemStatus()).workers.find((w) => w.alive && w.pid === child.pid && Date.parse(w.startedAt) >= startedAt - 1_000),
    'the worker heartbeat',
    15_000,
  );
}, 20_000);

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await closeQueues();
  await closeRedis();
  await closeDb();
});

describe('worker process', () => {
  it('reports itself through a heartbeat the status page sees as alive', () => {
    expect(worker).toMatchObject({ version: packageJson.version, queues: ['maintenance', 'deployments', 'training', 'ab'], alive: true });
    expect(worker.lastHeartbeatAgoMs).toBeLessThan(5_000);
    expect(worker.processed).toHaveProperty('maintenance');
  });

  it('schedules expire-approvals every 10 minutes, log retention hourly, and removes schedules no longer listed', async () => {
    const schedulers = await getQueue('maintenance').getJobSchedulers();
    expect(schedulers).toHaveLength(2);
    expect(schedulers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'expire-approvals', name: 'expire-approvals', every: 600_000 }),
        expect.objectContaining({ key: 'prune-training-logs', name: 'prune-training-logs', every: 3_600_000 }),
      ]),
    );
    // One health-monitor schedule for all deployments, every 10 s by default.
    expect(await getQueue('deployments').getJobSchedulers()).toEqual([expect.objectContaining({ key: 'deployment-health', name: 'health-round', every: 10_000 })]);
    // One lift-snapshot schedule for all running A/B tests, every minute by default.
    expect(await getQueue('ab').getJobSchedulers()).toEqual([expect.objectContaining({ key: 'ab-lift-snapshots', name: 'lift-snapshot-round', every: 60_000 })]);
  });

  it('processes an enqueued job', async () => {
    const job = await enqueue('maintenance', 'expire-approvals', { olderThanHours: 24 }, { jobId: `run-${randomUUID()}` });
    const state = await waitFor(async () => {
      const s = await job.getState();
      return s === 'completed' || s === 'failed' ? s : undefined;
    }, 'the job to finish');
    const done = await getQueue('maintenance').getJob(job.id!);
    expect(state, done?.failedReason).toBe('completed');
    expect(done?.returnvalue).toEqual({ expired: expect.any(Number), expiredDeployRequests: expect.any(Number) });
  });

  it('runs a lift-snapshot round on the ab queue', async () => {
    const job = await enqueue('ab', 'lift-snapshot-round', {}, { jobId: `round-${randomUUID()}` });
    await waitFor(async () => ['completed', 'failed'].includes(await job.getState()), 'the round to finish');
    const done = await getQueue('ab').getJob(job.id!);
    expect(done?.failedReason).toBeUndefined();
    expect(done?.returnvalue).toEqual({ due: expect.any(Number), written: expect.any(Number), failed: 0 });
  });

  it('fails an invalid payload at once, without retries', async () => {
    // Bypasses enqueue() on purpose: a producer on an older contract could still write this.
    const job = await getQueue('maintenance').add('expire-approvals', { olderThanHours: 'never' }, { jobId: `bad-${randomUUID()}` });
    await waitFor(async () => (await job.getState()) === 'failed', 'the job to fail');
    const failed = await getQueue('maintenance').getJob(job.id!);
    expect(failed?.failedReason).toMatch(/Invalid payload for maintenance\/expire-approvals: olderThanHours/);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.opts.attempts).toBe(2);
  });

  it('exits 0 on SIGTERM and removes its heartbeat', async () => {
    const key = heartbeatKey(worker.hostname, worker.pid);
    expect(await getRedis().exists(key)).toBe(1);
    const exited = once(child, 'exit');
    const signalled = Date.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code, output).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(await getRedis().exists(key)).toBe(0);
  });
});
