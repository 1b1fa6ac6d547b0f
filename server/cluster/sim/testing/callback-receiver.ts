import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  authorization: string | undefined;
  path: string;
  body: Record<string, unknown>;
}

/** A local HTTP server standing in for NeuroWeaver's trainer callback endpoint (tests only). */
export async function startCallbackReceiver(options: { failFirst?: number; status?: number } = {}): Promise<{ url: string; events: ReceivedEvent[]; attempts: () => number; accepted: () => number; close(): Promise<void> }> {
  const events: ReceivedEvent[] = [];
  let attempts = 0;
  let accepted = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      if (attempts <= (options.failFirst ?? 0)) {
        res.writeHead(options.status ?? 503).end();
        return;
      }
      accepted++;
      // One event, or a batch `{"events": [...]}` (the contract allows both): recorded one entry per event.
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const event of Array.isArray(body.events) ? body.events : [body]) events.push({ authorization: req.headers.authorization, path: req.url ?? '', body: event });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    attempts: () => attempts,
    accepted: () => accepted,
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
