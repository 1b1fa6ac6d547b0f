import type { JudgeEndpoint } from './client';

/**
 * Which judge answers: the run's `rlaif.judge.baseUrl`, else OPENAI_BASE_URL, else (with OPENAI_API_KEY)
 * api.openai.com; with none of them configured, the simulator's judge endpoint
 * (server/cluster/sim/model-server/judge.ts, started in this process on first use) and the run is
 * labelled "simulated judge". The API key comes only from the environment (never from a config, never logged).
 */
export const SIMULATED_JUDGE_LABEL = 'simulated judge';

let simJudge: Promise<{ baseUrl: string; close(): Promise<void> }> | null = null;

async function simulatedJudgeUrl(): Promise<string> {
  simJudge ??= import('@/server/cluster/sim/model-server/judge').then(({ startJudgeServer }) => startJudgeServer({ latencyMs: 5 }));
  return (await simJudge).baseUrl;
}

/** Stops the in-process simulated judge (tests, shutdown). */
export async function closeSimulatedJudge(): Promise<void> {
  const s = simJudge;
  simJudge = null;
  if (s) await (await s).close();
}

const emptyAsUnset = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

export async function resolveJudgeEndpoint(judge: { model: string; baseUrl?: string }, env: Record<string, string | undefined> = process.env): Promise<JudgeEndpoint> {
  const apiKey = emptyAsUnset(env.OPENAI_API_KEY);
  const baseUrl = emptyAsUnset(judge.baseUrl) ?? emptyAsUnset(env.OPENAI_BASE_URL) ?? (apiKey ? 'https://api.openai.com/v1' : undefined);
  if (!baseUrl) return { baseUrl: await simulatedJudgeUrl(), apiKey: 'simulated', model: judge.model, simulated: true };
  // Local OpenAI-compatible servers (vLLM, the fixture) accept any key; the SDK insists on one.
  return { baseUrl: baseUrl.replace(/\/+$/, ''), apiKey: apiKey ?? 'not-set', model: judge.model, simulated: false };
}

/** The judge's identity for the verdict cache: a simulated judge on a random port is the same judge. */
export function judgeIdentity(endpoint: JudgeEndpoint): string {
  return endpoint.simulated ? `simulated:${endpoint.model}` : `${endpoint.model}@${endpoint.baseUrl}`;
}
