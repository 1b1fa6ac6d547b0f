import { onShutdown } from '@/server/lifecycle';
import { logger } from '@/server/logger';
import { ingestEvents } from '../ingest-events';
import type { AbEvent } from '../schemas';

/*
 * The gateway's automatic metrics are written behind the answer, batched per test: one ingestion per
 * test every FLUSH_MS instead of one durable write per proxied request, which would add a commit to every
 * completion. Bounded: past MAX_BUFFERED events a test's oldest are dropped with a warning (the model
 * servers' own /metrics still have the totals). Flushed on shutdown.
 */
const FLUSH_MS = 50;
const MAX_BUFFERED = 100_000;

const buffers = new Map<string, AbEvent[]>();
let timer: NodeJS.Timeout | null = null;
let flushing: Promise<void> | null = null;

export function recordGatewayEvents(testId: string, events: AbEvent[]): void {
  if (events.length === 0) return;
  let buffer = buffers.get(testId);
  if (!buffer) buffers.set(testId, (buffer = []));
  buffer.push(...events);
  if (buffer.length > MAX_BUFFERED) {
    const dropped = buffer.splice(0, buffer.length - MAX_BUFFERED).length;
    logger.warn({ testId, dropped }, 'gateway metrics buffer full; dropped the oldest events');
  }
  if (!timer) {
    timer = setTimeout(() => {
      timer = null;
      void flushGatewayEvents();
    }, FLUSH_MS);
    timer.unref();
  }
}

export async function flushGatewayEvents(): Promise<void> {
  while (flushing) await flushing;
  if (buffers.size === 0) return;
  const batches = [...buffers.entries()];
  buffers.clear();
  flushing = (async () => {
    for (const [testId, events] of batches) {
      for (let i = 0; i < events.length; i += 10_000) {
        try {
          await ingestEvents(testId, { events: events.slice(i, i + 10_000) });
        } catch (error) {
          // A stopped test refuses events: expected for requests that were in flight when it stopped.
          logger.warn({ err: error, testId, events: events.length - i }, 'gateway metrics not recorded');
          break;
        }
      }
    }
  })();
  try {
    await flushing;
  } finally {
    flushing = null;
  }
}

onShutdown('ab-gateway-metrics', flushGatewayEvents);
