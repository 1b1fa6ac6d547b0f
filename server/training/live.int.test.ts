import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { systemMeta, testApiKey, testUser, uniqueSlug } from '@/test/fixtures';
import { openSubscription, sessionCookie, type SseEvent, startTrpcServer } from '@/test/trpc-server';
import { issueJobToken } from './job-token';
import type { LivePipelineEvent } from './live';
import { closeAll, pipelineConfig, startTrainingHarness } from './testing/harness';

/*
 * The live pipeline page's push channel end to end: a real pipeline on the simulator, the trainer-event REST
 * endpoint, the training worker and watcher, Redis pub/sub, and the app's tRPC route handler over HTTP read as
 * server-sent events. The server never polls, so every event after the first one proves a pushed notice.
 */

let h: Awaited<ReturnType<typeof startTrainingHarness>>;
let trpc: Awaited<ReturnType<typeof startTrpcServer>>;
let viewerCookie: string;

beforeAll(async () => {
  h = await startTrainingHarness();
  trpc = await startTrpcServer();
  viewerCookie = await sessionCookie(await testUser('viewer'));
}, 60_000);
afterAll(async () => {
  await trpc?.close();
  await h?.stop();
  await closeAll();
});

type Stream = ReturnType<typeof openSubscription>;
type Status = LivePipelineEvent['status'];

const stageOf = (status: Status, stage: string) => status.stages.find((s) => s.stage === stage)!;

/** Reads events until one satisfies `predicate`; fails on an error event or after `timeoutMs`. */
async function until(stream: Stream, predicate: (e: LivePipelineEvent, raw: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent & { data: LivePipelineEvent }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const raw = await stream.next(Math.max(1, deadline - Date.now()));
    if (!raw) throw new Error('the stream ended');
    if (raw.event === 'serialized-error') throw new Error(`error event: ${JSON.stringify(raw.data)}`);
    if (raw.event !== 'message') continue;
    if (predicate(raw.data as LivePipelineEvent, raw)) return raw as SseEvent & { data: LivePipelineEvent };
  }
}

/** The first event that is not `connected`. */
async function firstEvent(stream: Stream): Promise<SseEvent> {
  for (;;) {
    const e = await stream.next(10_000);
    if (!e) throw new Error('the stream ended');
    if (e.event !== 'connected') return e;
  }
}

async function statusOf(id: string): Promise<Status> {
  const res = await h.api('GET', `/training/${id}/status`);
  expect(res.status).toBe(200);
  return res.body;
}

/** A pipeline (SFT only) held in its `sft` stage: no GPUs, so the Job waits and the stage stays running. */
async function heldPipeline(): Promise<string> {
  const slug = uniqueSlug('live');
  await createFamily(systemMeta, { slug, displayName: 'Live', baseModel: 'meta-llama/Llama-3.2-3B-Instruct', specialization: 'automotive_service' });
  await createVersion(systemMeta, slug, { version: '1.0.0' });
  h.env.sim.settings.update({ gpusPerNode: 0 });
  const started = await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }));
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const id: string = started.body.jobId;
  await waitFor('sft to run', async () => stageOf(await statusOf(id), 'sft').status === 'running', 20_000, 50);
  return id;
}

describe('training.live (tRPC subscription over SSE)', () => {
  it('pushes trainer progress, metrics and logs, a cancel, and the worker’s transitions to a viewer within 2 s', async () => {
    const id = await heldPipeline();
    const stream = openSubscription(trpc.url, 'training.live', { id }, { cookie: viewerCookie });
    try {
      expect((await stream.response).headers.get('content-type')).toMatch(/^text\/event-stream/);
      const first = await firstEvent(stream);
      expect(first.event).toBe('message');
      expect(first.id).toMatch(/^[\w-]{16}$/);
      expect((first.data as LivePipelineEvent).status).toMatchObject({ id, status: 'running' });
      expect(stageOf((first.data as LivePipelineEvent).status, 'sft').status).toBe('running');

      // A trainer event (through the REST endpoint, batched ~50 ms) reaches the stream within 2 s.
      const trainer = h.apiAs(issueJobToken({ pipelineId: id, stage: 'sft', attempt: 1 }));
      let sent = Date.now();
      expect((await trainer('POST', '/trainer/events', { type: 'progress', progress: 0.6, step: 60, totalSteps: 100 })).status).toBe(202);
      const progressed = await until(stream, (e) => stageOf(e.status, 'sft').step === 60, 2_000);
      expect(progressed.at - sent).toBeLessThan(2_000);
      expect(stageOf(progressed.data.status, 'sft')).toMatchObject({ progress: 0.6, totalSteps: 100 });
      expect(progressed.data.changed).toContain('progress');

      // Metrics and log lines say so, so the page refetches its charts and log tail; the latest metric is in the snapshot.
      sent = Date.now();
      await trainer('POST', '/trainer/events', { events: [{ type: 'metric', name: 'loss', value: 0.42, step: 61 }, { type: 'log', line: 'epoch 2 of 3' }] });
      const measured = await until(stream, (e) => e.changed.includes('metrics'), 2_000);
      expect(measured.at - sent).toBeLessThan(2_000);
      expect(measured.data.changed).toEqual(expect.arrayContaining(['metrics', 'logs']));
      expect(measured.data.status.latestMetrics.sft?.loss).toBe(0.42);

      // A cancel (another user, through REST) reaches the viewer within 2 s.
      sent = Date.now();
      expect((await h.api('POST', `/training/${id}/cancel`, { reason: 'live test' })).status).toBe(200);
      const cancelled = await until(stream, (e) => e.status.status === 'cancelled', 2_000);
      expect(cancelled.at - sent).toBeLessThan(2_000);
      expect(stageOf(cancelled.data.status, 'sft').status).toBe('cancelled');

      // Retried with GPUs: the worker and the watcher move it through every stage; each move is pushed (the
      // server never re-reads on its own), ending with the registered version.
      h.env.sim.settings.update({ gpusPerNode: 2 });
      expect((await h.api('POST', `/training/${id}/retry`)).status).toBe(200);
      const seen: string[] = [];
      const done = await until(
        stream,
        (e) => {
          for (const s of e.status.stages) if (s.status === 'succeeded' && !seen.includes(s.stage)) seen.push(s.stage);
          return e.status.status === 'succeeded';
        },
        45_000,
      );
      expect(seen).toEqual(expect.arrayContaining(['sft', 'evaluate', 'register']));
      expect(stageOf(done.data.status, 'sft').attempt).toBe(2);
      expect(done.data.status.result).toMatchObject({ version: '1.1.0' });
    } finally {
      stream.close();
      h.env.sim.settings.update({ gpusPerNode: 2 });
    }
  }, 90_000);

  it('coalesces a burst of trainer events into a few snapshots a second, ending with the newest, for every open tab', async () => {
    const id = await heldPipeline();
    const tabs = [openSubscription(trpc.url, 'training.live', { id }, { cookie: viewerCookie }), openSubscription(trpc.url, 'training.live', { id }, { cookie: viewerCookie })];
    try {
      for (const tab of tabs) expect((await firstEvent(tab)).event).toBe('message');
      const trainer = h.apiAs(issueJobToken({ pipelineId: id, stage: 'sft', attempt: 1 }));
      const start = Date.now();
      // 100 requests spread over ~1.5 s, so most land in a flush (50 ms) of their own: ~30 notices, far more than snapshots.
      for (let step = 1; step <= 100; step++) {
        await trainer('POST', '/trainer/events', { type: 'progress', progress: step / 200, step, totalSteps: 200 });
        await new Promise((r) => setTimeout(r, 15));
      }
      const last = Date.now();
      for (const tab of tabs) {
        const events: SseEvent[] = [];
        const final = await until(
          tab,
          (e, raw) => {
            events.push(raw);
            return stageOf(e.status, 'sft').step === 100;
          },
          3_000,
        );
        expect(final.at - last).toBeLessThan(2_000);
        expect(last - start).toBeGreaterThan(1_000);
        // At most one snapshot per 500 ms (plus the leading one and the trailing one).
        expect(events.length).toBeLessThanOrEqual(Math.ceil((final.at - start) / 500) + 2);
      }
    } finally {
      for (const tab of tabs) tab.close();
      expect((await h.api('POST', `/training/${id}/cancel`, {})).status).toBe(200);
      h.env.sim.settings.update({ gpusPerNode: 2 });
    }
  }, 60_000);

  it('resumes: a stream opened with the last event id it saw still starts with the current snapshot, marking everything changed', async () => {
    const id = await heldPipeline();
    try {
      const stream = openSubscription(trpc.url, 'training.live', { id, lastEventId: 'seen-before-drop' }, { cookie: viewerCookie });
      const first = await firstEvent(stream);
      stream.close();
      expect((first.data as LivePipelineEvent).status.id).toBe(id);
      expect((first.data as LivePipelineEvent).changed).toEqual(expect.arrayContaining(['metrics', 'logs', 'judge']));
    } finally {
      expect((await h.api('POST', `/training/${id}/cancel`, {})).status).toBe(200);
      h.env.sim.settings.update({ gpusPerNode: 2 });
    }
  }, 60_000);

  it('refuses a caller without a session or with a bad key, and answers an unknown pipeline with NOT_FOUND', async () => {
    const anyId = '00000000-0000-4000-8000-000000000000';
    const cases: [Record<string, string>, string][] = [
      [{}, 'UNAUTHORIZED'],
      [{ authorization: 'Bearer nw_not-a-key' }, 'UNAUTHORIZED'],
      [{ cookie: 'next-auth.session-token=forged' }, 'UNAUTHORIZED'],
      [{ cookie: viewerCookie }, 'NOT_FOUND'],
    ];
    for (const [headers, code] of cases) {
      const stream = openSubscription(trpc.url, 'training.live', { id: anyId }, headers);
      const event = await firstEvent(stream);
      stream.close();
      expect(event.event, JSON.stringify(headers)).toBe('serialized-error');
      expect((event.data as { data: { code: string } }).data.code).toBe(code);
    }
    // A machine with a viewer's API key may follow a run like a signed-in viewer.
    const key = await testApiKey('viewer', 'live viewer key');
    const stream = openSubscription(trpc.url, 'training.liveList', undefined, { authorization: `Bearer ${key}` });
    expect((await stream.next())?.event).toBe('connected');
    stream.close();
  });
});

describe('training.liveList', () => {
  it('names a pipeline that started, and one that was cancelled, within 2 s', async () => {
    const slug = uniqueSlug('live-list');
    await createFamily(systemMeta, { slug, displayName: 'Live list', baseModel: 'meta-llama/Llama-3.2-3B-Instruct', specialization: 'automotive_service' });
    h.env.sim.settings.update({ gpusPerNode: 0 });
    const stream = openSubscription(trpc.url, 'training.liveList', undefined, { cookie: viewerCookie });
    /** Reads list events until one names `id`; returns when it arrived. */
    const named = async (id: string) => {
      for (;;) {
        const e = await stream.next(2_000);
        if (!e) throw new Error('the stream ended');
        if (e.event === 'message' && (e.data as { ids: string[] }).ids.includes(id)) return e.at;
      }
    };
    try {
      // The subscription is registered before `connected` is sent, so nothing after it can be missed.
      expect((await stream.next())?.event).toBe('connected');
      const started = await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }));
      const startedAt = Date.now();
      const id: string = started.body.jobId;
      expect((await named(id)) - startedAt).toBeLessThan(2_000);
      await waitFor('sft to wait for a GPU', async () => stageOf(await statusOf(id), 'sft').waiting !== null, 20_000, 50);
      // Consume the notices of its first stages, then cancel: the next one naming it is the cancel's.
      await stream.drain(1_500);
      expect((await h.api('POST', `/training/${id}/cancel`, {})).status).toBe(200);
      const cancelledAt = Date.now();
      expect((await named(id)) - cancelledAt).toBeLessThan(2_000);
    } finally {
      stream.close();
      h.env.sim.settings.update({ gpusPerNode: 2 });
    }
  }, 60_000);
});
