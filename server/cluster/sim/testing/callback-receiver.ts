import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  authorization: string | undefined;
  path: string;
  body: Record<string, unknown>;
}

/** A local HTTP server standing in for NeuroWeaver's trainer callback endpoint (tests only). */
export async function startCallbackReceiver(options: { failFirst?: number; status?: number } = {}): Promise<{ url: string; events: ReceivedEvent[]; attempts: () => number; close(): Promise<void> }> {
  const events: ReceivedEvent[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      if (attempts <= (options.failFirst ?? 0)) {
        res.writeHead(options.status ?? 503).end();
        return;
      }
      events.push({ authorization: req.headers.authorization, path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    attempts: () => attempts,
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
