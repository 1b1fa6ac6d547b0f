import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { z } from 'zod';
import { httpFetch } from './http-fetch';

/**
 * One judge call through the `openai` package against any OpenAI-compatible endpoint, with the retry
 * policy of the feedback stage (the SDK's own retries are off so every retry is counted and bounded here):
 *
 * - 429, 5xx, timeouts and connection errors: retried up to `maxRetries` times with exponential backoff
 *   (base × 2^n, ±25 % jitter, capped), honouring `retry-after-ms` / `retry-after` (seconds or HTTP date)
 *   when the server sends one. Past the last retry → JudgeUnavailableError (the stage gives up, clearly).
 * - Other 4xx (bad key, unknown model): JudgeUnavailableError at once; retrying cannot help.
 * - An answer that is not the JSON {score 1–10, rationale}: asked again once, then MalformedJudgementError
 *   (counted as failed by the caller, never guessed).
 */

export const verdictSchema = z.object({
  score: z.number().int().min(1).max(10),
  rationale: z.string().trim().min(1).max(4000),
});
export type Verdict = z.infer<typeof verdictSchema>;

/** JSON schema sent as `response_format` (structured outputs). */
export const VERDICT_JSON_SCHEMA: { name: string; strict: boolean; schema: Record<string, unknown> } = {
  name: 'judgement',
  strict: true,
  schema: {
    type: 'object',
    properties: { score: { type: 'integer', minimum: 1, maximum: 10 }, rationale: { type: 'string' } },
    required: ['score', 'rationale'],
    additionalProperties: false,
  },
};

export class JudgeUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JudgeUnavailableError';
  }
}

export class MalformedJudgementError extends Error {
  constructor(message: string, readonly answer: string) {
    super(message);
    this.name = 'MalformedJudgementError';
  }
}

export interface JudgeEndpoint {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** No judge configured: the simulator's judge answers. */
  simulated: boolean;
}

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 60_000 };

export interface CallStats {
  requests: number;
  retries: number;
  promptTokens: number;
  completionTokens: number;
}

export interface JudgeCallResult {
  verdict: Verdict;
  promptTokens: number;
  completionTokens: number;
}

export type ChatMessage = { role: 'system' | 'user'; content: string };

export interface JudgeClientOptions {
  retry?: Partial<RetryPolicy>;
  /** Injected in tests to observe backoff without waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Delay the server asked for, in ms, or null. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

function transient(error: unknown): { status: string; headers?: Headers } | null {
  if (error instanceof APIConnectionTimeoutError) return { status: 'timeout' };
  if (error instanceof APIConnectionError) return { status: 'connection error' };
  if (error instanceof APIError && (error.status === 429 || (error.status ?? 0) >= 500)) return { status: `HTTP ${error.status}`, headers: error.headers };
  return null;
}

export class JudgeClient {
  readonly stats: CallStats = { requests: 0, retries: 0, promptTokens: 0, completionTokens: 0 };
  private readonly openai: OpenAI;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(readonly endpoint: JudgeEndpoint, opts: JudgeClientOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    this.openai = new OpenAI({ apiKey: endpoint.apiKey, baseURL: endpoint.baseUrl, maxRetries: 0, timeout: this.retry.timeoutMs, fetch: httpFetch });
  }

  /** One verdict: transient errors retried with backoff, a malformed answer asked once more. */
  async judge(messages: ChatMessage[]): Promise<JudgeCallResult> {
    let promptTokens = 0;
    let completionTokens = 0;
    let lastAnswer = '';
    let lastProblem = '';
    for (let malformed = 0; malformed < 2; malformed++) {
      const completion = await this.request(messages);
      promptTokens += completion.usage?.prompt_tokens ?? 0;
      completionTokens += completion.usage?.completion_tokens ?? 0;
      lastAnswer = completion.choices[0]?.message?.content ?? '';
      const parsed = parseVerdict(lastAnswer);
      if ('verdict' in parsed) return { verdict: parsed.verdict, promptTokens, completionTokens };
      lastProblem = parsed.problem;
    }
    throw Object.assign(new MalformedJudgementError(`judge answer was not {score 1–10, rationale} twice: ${lastProblem}`, lastAnswer.slice(0, 500)), { promptTokens, completionTokens });
  }

  private async request(messages: ChatMessage[]) {
    for (let attempt = 0; ; attempt++) {
      this.stats.requests++;
      try {
        const completion = await this.openai.chat.completions.create({
          model: this.endpoint.model,
          messages,
          temperature: 0,
          response_format: { type: 'json_schema', json_schema: VERDICT_JSON_SCHEMA },
        });
        this.stats.promptTokens += completion.usage?.prompt_tokens ?? 0;
        this.stats.completionTokens += completion.usage?.completion_tokens ?? 0;
        return completion;
      } catch (error) {
        const t = transient(error);
        const where = `${this.endpoint.model} at ${this.endpoint.baseUrl}`;
        if (!t) {
          const status = error instanceof APIError ? `HTTP ${error.status}: ` : '';
          throw new JudgeUnavailableError(`judge ${where} refused the request (${status}${redactKeys((error as Error).message)}); check OPENAI_API_KEY, OPENAI_BASE_URL and the judge model`);
        }
        if (attempt >= this.retry.maxRetries) {
          throw new JudgeUnavailableError(`judge ${where} still answered ${t.status} after ${attempt + 1} attempts (${this.retry.maxRetries} retries with backoff); giving up`);
        }
        const asked = retryAfterMs(t.headers);
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt) * (0.75 + this.random() * 0.5);
        this.stats.retries++;
        await this.sleep(Math.min(this.retry.maxDelayMs * 2, asked ?? backoff));
      }
    }
  }
}

/** Error texts go to pipeline logs: never echo anything that looks like an API key (OpenAI quotes a masked one). */
export function redactKeys(text: string): string {
  return text.replace(/\b(sk|nw)-[A-Za-z0-9_*-]{6,}/g, '[redacted key]');
}

/** Strict parse: JSON (optionally in a ```json fence) matching {score: integer 1–10, rationale}. Nothing is inferred. */
export function parseVerdict(answer: string): { verdict: Verdict } | { problem: string } {
  const text = answer.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `not JSON: ${JSON.stringify(answer.slice(0, 120))}` };
  }
  const parsed = verdictSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue.path.join('.') || 'answer'}: ${issue.message}` };
  }
  return { verdict: parsed.data };
}
