import http from 'node:http';
import https from 'node:https';
import { logger } from '@/server/logger';
import type { SimClock } from '../clock';

const log = logger.child({ component: 'cluster-sim' });

// Keep-alive agents shared by every simulated trainer: hundreds of concurrent trainers posting progress
// would otherwise open a connection (and allocate fetch's stream machinery) per event.
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/** POSTs JSON and resolves with the status code; rejects on network errors, timeout or abort. */
function postJson(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<number> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      url,
      { method: 'POST', agent: secure ? agents.https : agents.http, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, signal, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error('callback timed out')));
    req.once('error', reject);
    req.end(body);
  });
}

/** The trainer-events endpoint takes up to 1,000 events per request (docs/trainer-contract.md). */
const MAX_BATCH = 1_000;
/**
 * Least time between two requests of one trainer, in real time (not the simulated clock): what a telemetry
 * client does to keep its request rate bounded however fast the training loop reports. At normal speed a
 * trainer reports every few seconds and this adds nothing; in fast mode (a run squeezed into a fraction of
 * a second) it sends each trainer's reports in a handful of requests instead of one per report.
 */
const MIN_REQUEST_INTERVAL_MS = 50;

/**
 * FIXTURE — part of the simulated trainer.
 *
 * POSTs trainer events to the callback URL, in order, with `Authorization: Bearer <token>`. Events sent
 * while a request is in flight, in the same tick, or within MIN_REQUEST_INTERVAL_MS of the previous
 * request go out together as one `{"events": [...]}` batch, as a real trainer's client would: fifty
 * trainers posting one request per event flooded the simulator and the API process during a burst of
 * stage transitions. A failing batch is retried (`attempts` in all,
 * with back-off) and then dropped: the trainer never fails because NeuroWeaver is unreachable.
 */
export class CallbackClient {
  private readonly pending: Record<string, unknown>[] = [];
  private draining: Promise<void> | null = null;
  private lastRequestAt = -Infinity;
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
    this.pending.push(event);
    // Started after this tick, so the events a trainer sends together leave together.
    this.draining ??= Promise.resolve()
      .then(() => this.drain())
      .finally(() => (this.draining = null));
  }

  /** Resolves once everything sent so far was delivered or dropped. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.length && !this.signal.aborted) {
      const wait = this.lastRequestAt + MIN_REQUEST_INTERVAL_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastRequestAt = performance.now();
      await this.post(this.pending.splice(0, MAX_BATCH));
    }
  }

  private async post(events: Record<string, unknown>[]): Promise<void> {
    const body = JSON.stringify(events.length === 1 ? events[0] : { events });
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (this.signal.aborted) return;
      try {
        const status = await postJson(
          new URL(this.url!),
          body,
          { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
          5_000,
          this.signal,
        );
        if (status >= 200 && status < 300) {
          this.delivered += events.length;
          return;
        }
        if (status >= 400 && status < 500 && status !== 429) break;
      } catch {
        if (this.signal.aborted) return;
      }
      if (attempt < this.attempts) await this.clock.sleep(500 * 2 ** (attempt - 1), this.signal).catch(() => undefined);
    }
    this.dropped += events.length;
    log.debug({ events: events.length }, 'trainer callback batch dropped');
  }
}
