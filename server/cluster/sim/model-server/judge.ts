import { startModelServer, type ModelServer } from './model-server';

/**
 * FIXTURE — an OpenAI-compatible judge endpoint for the RLAIF stage when no real judge is
 * configured: a simulated model server in judge mode. Chat completions answer with JSON
 * `{"score": 1..10, "rationale": "..."}`, deterministic from the judged content.
 */
export interface JudgeServer {
  /** Server root, e.g. http://127.0.0.1:41234 */
  url: string;
  /** OpenAI client base URL (`${url}/v1`). */
  baseUrl: string;
  model: string;
  server: ModelServer;
  close(): Promise<void>;
}

export async function startJudgeServer(options: { model?: string; port?: number; latencyMs?: number } = {}): Promise<JudgeServer> {
  const model = options.model ?? 'neuroweaver-sim-judge';
  const median = options.latencyMs ?? 50;
  const server = await startModelServer({ mode: 'judge', modelName: model, port: options.port, latency: { medianMs: median, p95Ms: median * 2 }, seed: model });
  return { url: server.url, baseUrl: `${server.url}/v1`, model, server, close: () => server.close() };
}
