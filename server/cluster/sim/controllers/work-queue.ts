import { logger } from '@/server/logger';
import type { SimClock } from '../clock';

const log = logger.child({ component: 'cluster-sim' });

/**
 * Most time one drain runs before it lets the event loop serve the API server's requests. A real cluster's
 * API server answers while its controllers work; here both share one event loop, and a burst of pod and Job
 * events (fifty Jobs finishing at once) drained in one go held every request behind it for a few hundred ms.
 */
const SLICE_MS = 4;

/**
 * A de-duplicating queue of object keys drained on the next turn of the event loop, like
 * client-go's workqueue: store events only enqueue, `reconcile` does the work, in slices of at most
 * SLICE_MS. A failing reconcile is logged and retried after a second (cluster time).
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly delayed = new Map<string, { due: number; cancel: () => void }>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly reconcile: (key: string) => void,
    private readonly clock: SimClock,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.queued.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Adds the key after a delay; an earlier pending delay for the same key wins. */
  addAfter(key: string, clusterMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + this.clock.real(clusterMs);
    const pending = this.delayed.get(key);
    if (pending && pending.due <= due) return;
    pending?.cancel();
    const cancel = this.clock.after(clusterMs, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { due, cancel });
  }

  stop(): void {
    this.stopped = true;
    this.queued.clear();
    for (const d of this.delayed.values()) d.cancel();
    this.delayed.clear();
  }

  private drain(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const keys = [...this.queued];
    this.queued.clear();
    const deadline = performance.now() + SLICE_MS;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      try {
        this.reconcile(key);
      } catch (err) {
        log.error({ err, controller: this.name, key }, 'reconcile failed');
        this.addAfter(key, 1000);
      }
      if (i + 1 < keys.length && performance.now() >= deadline) {
        // The rest go first next turn: they were queued before anything added meanwhile.
        const later = [...this.queued];
        this.queued.clear();
        for (const k of [...keys.slice(i + 1), ...later]) this.queued.add(k);
        this.scheduled = true;
        setImmediate(() => this.drain());
        return;
      }
    }
  }
}

/** "namespace/name" keys. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): [string | undefined, string] {
  const i = key.indexOf('/');
  return i < 0 ? [undefined, key] : [key.slice(0, i), key.slice(i + 1)];
}
