import { afterAll, describe, expect, it } from 'vitest';
import { startJudgeServer } from './judge';
import { judge } from './judge-scoring';
import { sampleLatency } from './latency';
import { startModelServer, type ModelServer } from './model-server';
import { generateAnswer } from './text';
import { seededRandom } from '../util/random';

const servers: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function start(opts: Parameters<typeof startModelServer>[0]): Promise<ModelServer> {
  const s = await startModelServer(opts);
  servers.push(s);
  return s;
}

const post = (url: string, body: unknown) => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const PROMPTS = [
  'How should I choose the learning rate for LoRA fine-tuning of a llama model?',
  'Explain the difference between PPO and DPO for preference optimisation.',
  'What causes CUDA out of memory errors during training and how can batching help?',
  'Describe how a reward model is trained from pairwise comparisons.',
  'When should quantization be used for serving large language models?',
  'How do you detect overfitting with validation loss curves?',
];

describe('simulated model server', () => {
  it('serves health, models, OpenAI errors and 404s', async () => {
    const s = await start({ modelName: 'm', latency: { medianMs: 1, p95Ms: 2 } });
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    expect(await (await fetch(`${s.url}/v1/models`)).json()).toMatchObject({ object: 'list', data: [{ id: 'm', object: 'model' }] });
    const bad = await post(s.url, { model: 'm', messages: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'BadRequestError', param: 'messages' } });
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
  });

  it('injects errors at the configured rate and counts them by status class', async () => {
    const s = await start({ modelName: 'flaky', errorRate: 0.5, latency: { medianMs: 0, p95Ms: 0 }, seed: 'fixed' });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await post(s.url, { messages: [{ role: 'user', content: `q${i}` }] })).status);
    const errors = statuses.filter((c) => c === 500).length;
    expect(errors).toBeGreaterThan(8);
    expect(errors).toBeLessThan(32);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain(`http_requests_total{handler="/v1/chat/completions",method="POST",status="5xx"} ${errors}`);
    expect(metrics).toContain(`vllm:e2e_request_latency_seconds_count{model_name="flaky"} ${40 - errors}`);
    expect(metrics).toContain('# TYPE vllm:time_to_first_token_seconds histogram');
    expect(metrics).toContain('vllm:num_requests_running{model_name="flaky"} 0');
  });

  it('truncates at max_tokens with finish_reason length and reports usage in streams', async () => {
    const s = await start({ modelName: 'm2', latency: { medianMs: 1, p95Ms: 2 } });
    const res = await (await post(s.url, { messages: [{ role: 'user', content: PROMPTS[0] }], max_tokens: 5 })).json() as { choices: { finish_reason: string }[]; usage: { completion_tokens: number } };
    expect(res.choices[0].finish_reason).toBe('length');
    expect(res.usage.completion_tokens).toBeLessThanOrEqual(5);
    const sse = await (await post(s.url, { messages: [{ role: 'user', content: PROMPTS[1] }], stream: true, stream_options: { include_usage: true } })).text();
    const last = sse.split('\n\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6))).at(-1);
    expect(last).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
  });

  it('samples lognormal latency around the configured median and p95', () => {
    const rand = seededRandom('latency');
    const xs = Array.from({ length: 4000 }, () => sampleLatency({ medianMs: 100, p95Ms: 300 }, rand)).sort((a, b) => a - b);
    expect(xs[2000]).toBeGreaterThan(90);
    expect(xs[2000]).toBeLessThan(110);
    expect(xs[3800]).toBeGreaterThan(260);
    expect(xs[3800]).toBeLessThan(340);
  });

  it('gives a judge-measurable quality difference between versions', () => {
    const score = (quality: number) => PROMPTS.reduce((n, p) => n + judge(`Question: ${p}\nResponse: ${generateAnswer(p, 'llm', quality)}`).score, 0) / PROMPTS.length;
    const good = score(0.9);
    const poor = score(0.3);
    expect(good).toBeGreaterThan(poor + 1.5);
    expect(generateAnswer(PROMPTS[0], 'llm', 0.9)).toBe(generateAnswer(PROMPTS[0], 'llm', 0.9));
  });

  it('judges pairwise: prefers the better response in either position, with a slight bias to position A', () => {
    const q = PROMPTS[1];
    const good = generateAnswer(q, 'llm', 0.9);
    const poor = generateAnswer(q, 'llm', 0.3);
    const pair = (a: string, b: string) => judge(`Question:\n${q}\n\nResponse A:\n${a}\n\nResponse B:\n${b}`);
    expect(pair(good, poor).score).toBeGreaterThan(6);
    expect(pair(poor, good).score).toBeLessThan(5);
    expect(pair(good, poor).rationale).toMatch(/^Response A is better/);
    // Equal answers: A is favoured for its position alone (6, not 5.5); judging both orders cancels it.
    expect(pair(good, good).score).toBe(6);
  });

  it('serves as an OpenAI-compatible judge answering deterministic JSON', async () => {
    const j = await startJudgeServer({ latencyMs: 1 });
    servers.push(j);
    const ask = async (content: string) => {
      const res = await (await fetch(`${j.baseUrl}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: j.model, response_format: { type: 'json_object' }, messages: [{ role: 'system', content: 'You are a strict judge.' }, { role: 'user', content }] }) })).json() as { choices: { message: { content: string } }[] };
      return JSON.parse(res.choices[0].message.content) as { score: number; rationale: string };
    };
    const content = `Question: ${PROMPTS[2]}\nResponse: ${generateAnswer(PROMPTS[2], 'llm', 0.9)}`;
    const first = await ask(content);
    expect(first.score).toBeGreaterThanOrEqual(1);
    expect(first.score).toBeLessThanOrEqual(10);
    expect(first.rationale).toMatch(/^The response /);
    expect(await ask(content)).toEqual(first);
    const poor = await ask(`Question: ${PROMPTS[2]}\nResponse: It depends.`);
    expect(poor.score).toBeLessThan(first.score);
  });
});
