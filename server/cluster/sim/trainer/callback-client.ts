import { logger } from '@/server/logger';
import type { SimClock } from '../clock';

const log = logger.child({ component: 'cluster-sim' });

/**
 * FIXTURE — part of the simulated trainer.
 *
 * POSTs trainer events to the callback URL, in order, with `Authorization: Bearer <token>`. A
 * failing event is retried (`attempts` in all, with back-off) and then dropped: the trainer never
 * fails because NeuroWeaver is unreachable.
 */
export class CallbackClient {
  private chain: Promise<void> = Promise.resolve();
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly url: string | undefined,
    private readonly token: string | undefined,
    private readonly clock: SimClock,
    private readonly attempts: number,
    private readonly signal: AbortSignal,
  ) {}

  get enabled(): boolean {
    return !!this.url;
  }

  send(event: Record<string, unknown>): void {
    if (!this.url) return;
    this.chain = this.chain.then(() => this.post(event));
  }

  /** Resolves once everything sent so far was delivered or dropped. */
  flush(): Promise<void> {
    return this.chain;
  }

  private async post(event: Record<string, unknown>): Promise<void> {
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (this.signal.aborted) return;
      try {
        const res = await fetch(this.url!, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}) },
          body: JSON.stringify(event),
          signal: AbortSignal.any([this.signal, AbortSignal.timeout(5_000)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.delivered++;
          return;
        }
        if (res.status >= 400 && res.status < 500 && res.status !== 429) break;
      } catch {
        if (this.signal.aborted) return;
      }
      if (attempt < this.attempts) await this.clock.sleep(500 * 2 ** (attempt - 1), this.signal).catch(() => undefined);
    }
    this.dropped++;
    log.debug({ type: event.type }, 'trainer callback dropped');
  }
}
