import type { IncomingMessage } from 'node:http';
import { BadGatewayError, ValidationError, ServiceUnavailableError } from '@/server/errors';
import { RawReply } from '@/server/http/raw-reply';
import { countAbAssignment } from '@/server/metrics/registry';
import { assertRunning, exposeOnce, variantFor } from '../assign';
import { cachedDefinition, type TestDefinition } from '../definition';
import type { AbEvent } from '../schemas';
import { variantEndpoint } from './endpoints';
import { forward, readAll } from './forward';
import { recordGatewayEvents } from './metrics-buffer';
import { GATEWAY_METRICS, type ChatCompletionRequest } from './schemas';

export const UNIT_HEADER = 'x-neuroweaver-unit';
export const VARIANT_HEADER = 'x-neuroweaver-variant';
const UPSTREAM_TIMEOUT_MS = 120_000;

interface Routed {
  def: TestDefinition;
  unit: string;
  variant: string;
  started: number;
}

/**
 * The A/B gateway: an OpenAI-compatible chat completion routed to the deployment of the unit's variant.
 * The unit (`user`, else the x-neuroweaver-unit header) is assigned exactly as GET /assign would, its first
 * request counts as an exposure, and latency, failures and tokens are recorded as the test's metrics
 * `latency_ms`, `errors` and `total_tokens` when it declares them. The answer is the model server's own,
 * streamed or not, with x-neuroweaver-variant added.
 */
export async function routeChatCompletion(ref: string, body: ChatCompletionRequest, unitHeader: string | null): Promise<RawReply> {
  const started = performance.now();
  const def = await cachedDefinition(ref);
  assertRunning(def, 'requests');
  const unit = body.user ?? unitHeader ?? '';
  if (!unit) throw new ValidationError(`Send the unit of randomisation as "user" in the body or in the ${UNIT_HEADER} header`, 'user');
  if (unit.length > 256) throw new ValidationError('must be at most 256 characters', UNIT_HEADER);
  const variant = variantFor(def, unit);
  await exposeOnce(def, unit, variant.key);
  countAbAssignment(def.test.id, variant.key);
  const routed: Routed = { def, unit, variant: variant.key, started };
  const endpoint = await variantEndpoint(def, variant.version);
  if (!endpoint) {
    // The unit was sent to a variant nobody serves: a failed request of that variant, counted like an
    // unreachable server, so the errors guardrail sees a variant whose deployment went away.
    record(routed, { failed: true });
    throw new ServiceUnavailableError(`Variant "${variant.key}" (version ${variant.version}) is not deployed; deploy that version to staging or production first`);
  }

  const wantsUsage = body.stream === true && (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  // Ask for usage on streams too, so tokens are recorded; the extra chunk is removed if the client did not ask.
  const payload = JSON.stringify(body.stream === true ? { ...body, model: endpoint.servedModel, stream_options: { ...(body.stream_options as object), include_usage: true } } : { ...body, model: endpoint.servedModel });
  let upstream;
  try {
    upstream = await forward(endpoint.baseUrl, '/v1/chat/completions', payload, { timeoutMs: UPSTREAM_TIMEOUT_MS });
  } catch (error) {
    record(routed, { failed: true });
    throw new BadGatewayError(`The model server of variant "${variant.key}" could not be reached: ${(error as Error).message}`);
  }
  const headers = { ...upstream.headers, [VARIANT_HEADER]: variant.key, 'x-neuroweaver-version': variant.version };
  const streaming = body.stream === true && upstream.status === 200 && (upstream.headers['content-type'] ?? '').startsWith('text/event-stream');
  if (!streaming) {
    let bytes: Buffer;
    try {
      bytes = await readAll(upstream.body);
    } catch (error) {
      record(routed, { failed: true });
      throw new BadGatewayError(`The model server of variant "${variant.key}" broke off its answer: ${(error as Error).message}`);
    }
    record(routed, { failed: upstream.status >= 500, tokens: upstream.status === 200 ? usageTokens(bytes) : undefined });
    return new RawReply(upstream.status, headers, bytes);
  }
  const exit = { clientGone: false };
  const leave = () => {
    exit.clientGone = true;
    upstream.abort();
  };
  return new RawReply(200, headers, relayStream(upstream.body, routed, wantsUsage, exit), leave);
}

/**
 * Passes server-sent events on as they come; takes the usage chunk out unless the client asked for it.
 * A stream the model server breaks off (a socket error, or an end without `data: [DONE]`) is a failure: it
 * is recorded as one and ends with an OpenAI error event (`data: {"error": …}`), which the SDKs raise, so a
 * cut answer never looks complete. A client that leaves first (`exit.clientGone`, set by the adapter's
 * onClose) is not the model's failure and is not recorded.
 */
async function* relayStream(body: IncomingMessage, routed: Routed, keepUsage: boolean, exit: { clientGone: boolean }): AsyncGenerator<Uint8Array> {
  let carry = '';
  let tokens: number | undefined;
  let done = false;
  let broken: string | undefined;
  try {
    for await (const chunk of body) {
      carry += (chunk as Buffer).toString('utf8');
      const cut = carry.lastIndexOf('\n\n');
      if (cut < 0) continue;
      const events = carry.slice(0, cut + 2);
      carry = carry.slice(cut + 2);
      let out = '';
      for (const event of events.split(/\n\n/)) {
        if (!event) continue;
        if (event.startsWith('data: [DONE]')) done = true;
        const usage = event.includes('"usage"') ? usageOfEvent(event) : undefined;
        if (usage !== undefined) tokens = usage.tokens;
        if (usage?.usageOnly && !keepUsage) continue;
        out += `${event}\n\n`;
      }
      if (out) yield Buffer.from(out);
    }
    if (carry) yield Buffer.from(carry);
    if (!done) broken = 'the stream ended before data: [DONE]';
  } catch (error) {
    broken = (error as Error).message || 'the connection was cut';
  }
  if (exit.clientGone) return;
  if (broken === undefined) {
    record(routed, { failed: false, tokens });
    return;
  }
  record(routed, { failed: true });
  const message = `The model server of variant "${routed.variant}" broke off its answer: ${broken}`;
  yield Buffer.from(`data: ${JSON.stringify({ error: { message, type: 'bad_gateway', param: null, code: 'bad_gateway' } })}\n\n`);
}

function usageOfEvent(event: string): { tokens: number; usageOnly: boolean } | undefined {
  const data = event.split('\n').find((line) => line.startsWith('data: '));
  if (!data) return undefined;
  try {
    const parsed = JSON.parse(data.slice(6)) as { usage?: { total_tokens?: number } | null; choices?: unknown[] };
    const total = parsed.usage?.total_tokens;
    if (typeof total !== 'number') return undefined;
    return { tokens: total, usageOnly: Array.isArray(parsed.choices) && parsed.choices.length === 0 };
  } catch {
    return undefined;
  }
}

/** `usage.total_tokens` of a non-streamed answer; a regex instead of parsing the whole body on the hot path. */
function usageTokens(bytes: Buffer): number | undefined {
  const match = /"total_tokens"\s*:\s*(\d+)/.exec(bytes.toString('latin1'));
  return match ? Number(match[1]) : undefined;
}

function record(routed: Routed, outcome: { failed: boolean; tokens?: number }) {
  const { def, unit, variant } = routed;
  const timestamp = Date.now();
  const events: AbEvent[] = [];
  const add = (metric: string, value: number) => def.eventMetrics.has(metric) && events.push({ unit, variant, metric, value, timestamp });
  add(GATEWAY_METRICS.latency, Math.round((performance.now() - routed.started) * 1000) / 1000);
  add(GATEWAY_METRICS.errors, outcome.failed ? 1 : 0);
  if (outcome.tokens !== undefined) add(GATEWAY_METRICS.tokens, outcome.tokens);
  recordGatewayEvents(def.test.id, events);
}
