/**
 * Speed-scaled timers. Every timer is tracked so `dispose()` (simulator stop) leaves nothing behind.
 * Durations passed in are cluster time; they fire after `ms / speed` of real time.
 */
export class SimClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(readonly speed: number) {}

  /** Real milliseconds for a cluster-time duration. */
  real(clusterMs: number): number {
    return Math.max(0, clusterMs / this.speed);
  }

  after(clusterMs: number, fn: () => void): () => void {
    if (this.disposed) return () => {};
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.real(clusterMs));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  every(clusterMs: number, fn: () => void): () => void {
    if (this.disposed) return () => {};
    const timer = setInterval(fn, Math.max(1, this.real(clusterMs)));
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  /** Resolves after a cluster-time duration, or rejects when the signal aborts. */
  sleep(clusterMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const cancel = this.after(clusterMs, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = () => {
        cancel();
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
