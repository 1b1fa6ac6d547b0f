import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '@/server/logger';
import { ClusterForbiddenError } from './errors';
import { resilientWatch, type WatchEvent, type WatchTransport } from './watch';

interface Obj {
  metadata: { name: string; uid: string; resourceVersion: string };
}

const obj = (name: string, rv: number): Obj => ({ metadata: { name, uid: `uid-${name}`, resourceVersion: String(rv) } });

/** A scripted server: each `open` is a stream the test feeds and ends. */
function fakeTransport(initial: Obj[] = [], listVersion = '10') {
  const opens: string[] = [];
  const streams: Array<{ send(type: string, o: unknown): void; end(error?: unknown): void; aborted: boolean }> = [];
  let lists = 0;
  let listResult = { items: initial, resourceVersion: listVersion };
  let openError: unknown;
  const transport: WatchTransport<Obj> = {
    async list() {
      lists++;
      return listResult;
    },
    async open(rv, onEvent, onDone) {
      opens.push(rv);
      if (openError) {
        onDone(openError);
        return { abort() {} };
      }
      const stream = {
        aborted: false,
        send: (type: string, o: unknown) => onEvent(type, o),
        end: (error?: unknown) => onDone(error ?? null),
      };
      streams.push(stream);
      return {
        abort() {
          stream.aborted = true;
          onDone(new Error('aborted'));
        },
      };
    },
  };
  return {
    transport,
    opens,
    streams,
    get lists() {
      return lists;
    },
    setList(items: Obj[], rv: string) {
      listResult = { items, resourceVersion: rv };
    },
    failOpens(error: unknown) {
      openError = error;
    },
  };
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
const fast = { initialBackoffMs: 1, maxBackoffMs: 5, minHealthyStreamMs: 0 };
const describeEvents = (events: WatchEvent<Obj>[]) =>
  events.map((e) => (e.type === 'SYNC' ? `SYNC@${e.resourceVersion}:${e.objects.map((o) => o.metadata.name).join('|')}` : `${e.type}:${e.object.metadata.name}@${e.object.metadata.resourceVersion}`));

describe('resilientWatch', () => {
  // The failures below are deliberate; their warnings would only clutter the output.
  const level = logger.level;
  beforeAll(() => void (logger.level = 'error'));
  afterAll(() => void (logger.level = level));

  it('starts with a SYNC of the list and watches from its resourceVersion', async () => {
    const fake = fakeTransport([obj('a', 5)], '10');
    const events: WatchEvent<Obj>[] = [];
    const w = resilientWatch('test', fake.transport, {}, (e) => void events.push(e), fast);
    await w.ready;
    expect(fake.opens).toEqual(['10']);
    fake.streams[0].send('ADDED', obj('b', 11));
    expect(describeEvents(events)).toEqual(['SYNC@10:a', 'ADDED:b@11']);
    expect(w.resourceVersion).toBe('11');
    w.stop();
  });

  it('resumes from the last delivered version after a dropped stream, and bookmarks move it', async () => {
    const fake = fakeTransport();
    const events: WatchEvent<Obj>[] = [];
    const w = resilientWatch('test', fake.transport, { resourceVersion: '3' }, (e) => void events.push(e), fast);
    await w.ready;
    fake.streams[0].send('ADDED', obj('a', 4));
    fake.streams[0].send('MODIFIED', obj('a', 5));
    fake.streams[0].end(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await tick(20);
    expect(fake.opens).toEqual(['3', '5']);
    fake.streams[1].send('BOOKMARK', { metadata: { resourceVersion: '9' } });
    fake.streams[1].end();
    await tick(20);
    expect(fake.opens).toEqual(['3', '5', '9']);
    // A replay of something already delivered (a server resending from an older version) is dropped.
    fake.streams[2].send('MODIFIED', obj('a', 5));
    fake.streams[2].send('DELETED', obj('a', 10));
    expect(describeEvents(events)).toEqual(['ADDED:a@4', 'MODIFIED:a@5', 'DELETED:a@10']);
    w.stop();
  });

  it.each([
    ['an ERROR event', (s: { send(t: string, o: unknown): void }) => s.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired' })],
    ['an HTTP 410', (s: { end(e?: unknown): void }) => s.end(Object.assign(new Error('Gone'), { statusCode: 410 }))],
  ])('re-lists and emits a SYNC after 410 Gone as %s', async (_label, gone) => {
    const fake = fakeTransport([obj('a', 1)], '1');
    const events: WatchEvent<Obj>[] = [];
    const w = resilientWatch('test', fake.transport, {}, (e) => void events.push(e), fast);
    await w.ready;
    fake.streams[0].send('ADDED', obj('b', 2));
    fake.setList([obj('a', 1), obj('c', 40)], '50');
    gone(fake.streams[0] as never);
    await tick(20);
    expect(fake.lists).toBe(2);
    expect(fake.opens).toEqual(['1', '50']);
    expect(describeEvents(events)).toEqual(['SYNC@1:a', 'ADDED:b@2', 'SYNC@50:a|c']);
    fake.streams[1].send('ADDED', obj('d', 51));
    expect(describeEvents(events).at(-1)).toBe('ADDED:d@51');
    w.stop();
  });

  it('delivers nothing after stop, even from a stream still open', async () => {
    const fake = fakeTransport();
    const events: WatchEvent<Obj>[] = [];
    const w = resilientWatch('test', fake.transport, { resourceVersion: '1' }, (e) => void events.push(e), fast);
    await w.ready;
    w.stop();
    expect(fake.streams[0].aborted).toBe(true);
    fake.streams[0].send('ADDED', obj('late', 2));
    await tick(20);
    expect(events).toEqual([]);
    expect(fake.opens).toEqual(['1']);
  });

  it('ignores events from a stream it has replaced', async () => {
    const fake = fakeTransport();
    const events: WatchEvent<Obj>[] = [];
    const w = resilientWatch('test', fake.transport, { resourceVersion: '1' }, (e) => void events.push(e), fast);
    await w.ready;
    fake.streams[0].end();
    await tick(20);
    fake.streams[0].send('ADDED', obj('stale', 2));
    fake.streams[1].send('ADDED', obj('fresh', 2));
    expect(describeEvents(events)).toEqual(['ADDED:fresh@2']);
    w.stop();
  });

  it('keeps going when the handler throws', async () => {
    const fake = fakeTransport();
    const seen: string[] = [];
    const w = resilientWatch('test', fake.transport, { resourceVersion: '1' }, (e) => {
      if (e.type !== 'SYNC') seen.push(e.object.metadata.name);
      throw new Error('handler bug');
    }, fast);
    await w.ready;
    fake.streams[0].send('ADDED', obj('a', 2));
    fake.streams[0].send('ADDED', obj('b', 3));
    expect(seen).toEqual(['a', 'b']);
    w.stop();
  });

  it('gives up at start on a 4xx, rejecting ready', async () => {
    const fake = fakeTransport();
    fake.failOpens(Object.assign(new Error('Forbidden'), { statusCode: 403 }));
    const w = resilientWatch('test', fake.transport, { resourceVersion: '1' }, () => undefined, fast);
    await expect(w.ready).rejects.toBeInstanceOf(ClusterForbiddenError);
    await tick(20);
    expect(fake.opens).toEqual(['1']);
  });

  it('retries a start that fails for network reasons', async () => {
    const fake = fakeTransport();
    fake.failOpens(new Error('connect ECONNREFUSED'));
    const w = resilientWatch('test', fake.transport, { resourceVersion: '1' }, () => undefined, fast);
    await tick(30);
    expect(fake.opens.length).toBeGreaterThan(1);
    fake.failOpens(undefined);
    await w.ready;
    w.stop();
  });
});
