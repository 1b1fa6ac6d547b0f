import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeQueues, enqueue, getQueue } from './factory';
import { closeRedis } from './redis';

afterAll(async () => {
  await closeQueues();
  await closeRedis();
});

describe('enqueue', () => {
  it('adds one job for two enqueues with the same jobId', async () => {
    const queue = getQueue('maintenance');
    const jobId = `dedup-${randomUUID()}`;
    const before = await queue.getJobCounts('waiting');
    const first = await enqueue('maintenance', 'expire-approvals', { olderThanHours: 24 }, { jobId });
    const second = await enqueue('maintenance', 'expire-approvals', { olderThanHours: 48 }, { jobId });
    const after = await queue.getJobCounts('waiting');

    expect(first.id).toBe(jobId);
    expect(second.id).toBe(jobId);
    expect(after.waiting - before.waiting).toBe(1);
    // The first payload is kept: a duplicate add does not overwrite.
    expect((await queue.getJob(jobId))?.data).toEqual({ olderThanHours: 24 });
    await first.remove();
  });

  it('adds the jobs enqueued in one turn together, each with its own options, a repeated id once', async () => {
    const queue = getQueue('maintenance');
    const [a, b] = [`tick-a-${randomUUID()}`, `tick-b-${randomUUID()}`];
    const before = await queue.getJobCounts('waiting', 'delayed');
    const jobs = await Promise.all([
      enqueue('maintenance', 'expire-approvals', { olderThanHours: 1 }, { jobId: a }),
      enqueue('maintenance', 'expire-approvals', { olderThanHours: 2 }, { jobId: b, delay: 60_000 }),
      enqueue('maintenance', 'expire-approvals', { olderThanHours: 3 }, { jobId: a }),
    ]);
    const after = await queue.getJobCounts('waiting', 'delayed');

    expect(jobs.map((j) => j.id)).toEqual([a, b, a]);
    expect(after.waiting - before.waiting).toBe(1);
    expect(after.delayed - before.delayed).toBe(1);
    expect((await queue.getJob(a))?.data).toEqual({ olderThanHours: 1 });
    expect(await (await queue.getJob(b))?.getState()).toBe('delayed');
    await Promise.all([queue.remove(a), queue.remove(b)]);
  });

  it('fills in payload defaults from the contract', async () => {
    const job = await enqueue('maintenance', 'expire-approvals', {}, { jobId: `defaults-${randomUUID()}` });
    expect(job.data).toEqual({ olderThanHours: 168 });
    expect(job.opts.attempts).toBe(2);
    await job.remove();
  });

  it('refuses an invalid payload with a ZodError and adds nothing', async () => {
    const jobId = `invalid-${randomUUID()}`;
    await expect(enqueue('maintenance', 'expire-approvals', { olderThanHours: -1 }, { jobId })).rejects.toBeInstanceOf(z.ZodError);
    await expect(enqueue('maintenance', 'expire-approvals', { olderThanHours: 'soon' } as never, { jobId })).rejects.toBeInstanceOf(z.ZodError);
    expect(await getQueue('maintenance').getJob(jobId)).toBeUndefined();
  });

  it('refuses a job name the queue does not have', async () => {
    await expect(enqueue('maintenance', 'no-such-job' as never, {} as never)).rejects.toThrow(/has no job "no-such-job"/);
  });
});
