import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../util/random';
import { judge } from './judge-scoring';
import { sampleLatency, type LatencySpec } from './latency';
import { ModelMetrics } from './metrics';
import { countTokens, generateAnswer } from './text';

/**
 * FIXTURE — the simulated model server. It stands in for a vLLM container in simulated Deployment
 * pods (and serves as the RLAIF judge when no real judge is configured): an OpenAI-compatible
 * `POST /v1/chat/completions` (plain and `stream: true` SSE), `GET /v1/models`, `GET /health` and
 * `GET /metrics` with vLLM's metric names. Answers are deterministic; latency is lognormal;
 * errors are injected at `errorRate`.
 */
export interface ModelServerOptions {
  /** `judge` answers with JSON `{"score": n, "rationale": "..."}` about the content it is given. */
  mode?: 'chat' | 'judge';
  modelName: string;
  /** 0..1: how good the answers are (what an A/B test should detect). Default 0.7. */
  quality?: number;
  /** 0..1 share of requests answered with a 500; a function is read on every request. */
  errorRate?: number | (() => number);
  latency?: LatencySpec;
  /** Seeds latency and error sampling so runs repeat. */
  seed?: string;
  host?: string;
  port?: number;
  /** Called after each request (the simulated pod writes an access log line). */
  onRequest?: (method: string, path: string, status: number) => void;
}

export interface ModelServer {
  url: string;
  port: number;
  metrics: ModelMetrics;
  options: Required<Pick<ModelServerOptions, 'mode' | 'modelName' | 'quality'>> & { latency: LatencySpec };
  close(): Promise<void>;
}

interface ChatMessage {
  role: string;
  content: string | { type: string; text?: string }[] | null;
}

function openAiError(res: ServerResponse, code: number, message: string, type: string, param: string | null = null): void {
  const body = JSON.stringify({ error: { message, type, param, code } });
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(body);
}

function text(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('');
  return '';
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const mode = options.mode ?? 'chat';
  const quality = options.quality ?? 0.7;
  const latency = options.latency ?? { medianMs: 200, p95Ms: 600 };
  const rand = seededRandom(options.seed ?? options.modelName);
  const errorRate = () => (typeof options.errorRate === 'function' ? options.errorRate() : options.errorRate ?? 0);
  const metrics = new ModelMetrics(options.modelName);
  const created = Math.floor(Date.now() / 1000);

  async function chat(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<number> {
    let body: Record<string, unknown>;
    try {
      body = (await readJson(req)) as Record<string, unknown>;
    } catch {
      openAiError(res, 400, 'Invalid JSON body', 'BadRequestError');
      return 400;
    }
    const messages = body?.messages as ChatMessage[] | undefined;
    if (!Array.isArray(messages) || messages.length === 0 || messages.some((m) => !m || typeof m.role !== 'string')) {
      openAiError(res, 400, "'messages' must be a non-empty list of {role, content} objects", 'BadRequestError', 'messages');
      return 400;
    }
    const model = typeof body.model === 'string' && body.model ? body.model : options.modelName;
    const started = Date.now();
    const total = sampleLatency(latency, rand);
    const failing = rand() < errorRate();
    metrics.running++;
    try {
      if (failing) {
        await wait(total * 0.3, signal);
        openAiError(res, 500, 'Internal server error (simulated fault)', 'InternalServerError');
        return 500;
      }
      const lastUser = [...messages].reverse().find((m) => m.role === 'user') ?? messages[messages.length - 1];
      let answer = mode === 'judge' ? JSON.stringify(judge(text(lastUser.content))) : generateAnswer(text(lastUser.content), options.modelName, quality);
      const maxTokens = Number(body.max_completion_tokens ?? body.max_tokens ?? 0);
      let finish = 'stop';
      if (maxTokens > 0 && countTokens(answer) > maxTokens) {
        answer = answer.slice(0, maxTokens * 4);
        finish = 'length';
      }
      const promptTokens = countTokens(messages.map((m) => text(m.content)).join('\n'));
      const completionTokens = countTokens(answer);
      const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
      const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
      const ttft = total * 0.15;
      if (body.stream === true) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
        const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
          res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(started / 1000), model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`);
        await wait(ttft, signal);
        metrics.ttft.observe((Date.now() - started) / 1000);
        chunk({ role: 'assistant', content: '' }, null);
        const pieces = answer.match(/\S+\s*/g) ?? [answer];
        const per = Math.max(1, Math.ceil(pieces.length / 8));
        const groups: string[] = [];
        for (let i = 0; i < pieces.length; i += per) groups.push(pieces.slice(i, i + per).join(''));
        for (const g of groups) {
          await wait((total - ttft) / groups.length, signal);
          if (signal.aborted) return 499;
          chunk({ content: g }, null);
        }
        chunk({}, finish);
        const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
        if (streamOptions?.include_usage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(started / 1000), model, choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
      } else {
        await wait(total, signal);
        metrics.ttft.observe((ttft) / 1000);
        const payload = JSON.stringify({
          id, object: 'chat.completion', created: Math.floor(started / 1000), model,
          choices: [{ index: 0, message: { role: 'assistant', content: answer }, logprobs: null, finish_reason: finish }],
          usage,
        });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
        res.end(payload);
      }
      metrics.promptTokens += promptTokens;
      metrics.generationTokens += completionTokens;
      metrics.finished.set(finish, (metrics.finished.get(finish) ?? 0) + 1);
      return 200;
    } finally {
      metrics.running--;
      const elapsed = Date.now() - started;
      metrics.busyMs += elapsed;
      metrics.requests++;
      if (!failing) metrics.e2e.observe(elapsed / 1000);
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const done = (status: number) => {
      metrics.recordHttp(path, req.method ?? 'GET', status);
      options.onRequest?.(req.method ?? 'GET', path, status);
    };
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'Content-Length': 0 });
      res.end();
      return done(200);
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const body = JSON.stringify({ object: 'list', data: [{ id: options.modelName, object: 'model', created, owned_by: 'neuroweaver-sim', root: options.modelName, parent: null, max_model_len: 8192 }] });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
      return done(200);
    }
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(metrics.render());
      return;
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      chat(req, res, controller.signal).then(done, () => {
        if (!res.headersSent) openAiError(res, 500, 'Internal server error', 'InternalServerError');
        else res.destroy();
        done(500);
      });
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ detail: 'Not Found' }));
    done(404);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    metrics,
    options: { mode, modelName: options.modelName, quality, latency },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
