import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * FIXTURE — a local OpenAI-compatible judge for tests ONLY (never used by the application). Each
 * `POST /v1/chat/completions` is answered by the test's `script(request, n)`: a verdict, arbitrary text
 * (malformed answers), an HTTP error with optional retry headers, or a delay (timeouts). It records every
 * request and the highest number of requests in flight at once.
 */
export type FixtureAction =
  | { verdict: { score: number; rationale: string }; delayMs?: number }
  | { content: string; delayMs?: number }
  | { status: number; retryAfter?: string; retryAfterMs?: string; delayMs?: number };

export interface FixtureRequest {
  model: string;
  system: string;
  user: string;
  responseFormat: unknown;
  authorization: string | undefined;
}

export interface FixtureJudgeServer {
  baseUrl: string;
  requests: FixtureRequest[];
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFixtureJudgeServer(script: (req: FixtureRequest, n: number) => FixtureAction): Promise<FixtureJudgeServer> {
  const requests: FixtureRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(raw) as { model: string; messages: { role: string; content: string }[]; response_format?: unknown };
    const request: FixtureRequest = {
      model: body.model,
      system: body.messages.find((m) => m.role === 'system')?.content ?? '',
      user: body.messages.find((m) => m.role === 'user')?.content ?? '',
      responseFormat: body.response_format,
      authorization: req.headers.authorization,
    };
    requests.push(request);
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      const action = script(request, requests.length);
      if (action.delayMs) await new Promise((r) => setTimeout(r, action.delayMs));
      if (res.destroyed) return;
      if ('status' in action) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (action.retryAfter !== undefined) headers['retry-after'] = action.retryAfter;
        if (action.retryAfterMs !== undefined) headers['retry-after-ms'] = action.retryAfterMs;
        res.writeHead(action.status, headers).end(JSON.stringify({ error: { message: `fixture error ${action.status}`, type: 'fixture' } }));
        return;
      }
      const content = 'verdict' in action ? JSON.stringify(action.verdict) : action.content;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-fixture-${requests.length}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        }),
      );
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() { return state.maxInFlight; },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
