import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor } from '@/server/auth/actor';
import { joinTestSimulator } from '@/server/cluster/overview/testing';
import { fastOptions } from '@/server/cluster/sim/testing/fast-options';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
// FIXTURE: the simulator's deterministic judge stands in for a product's own quality signal (user ratings).
import { judge } from '@/server/cluster/sim/model-server/judge-scoring';
import { deployModel } from '@/server/deployments/deploy';
import { findServingEndpoint } from '@/server/deployments/endpoints';
import { meta, testApiKey, testUser } from '@/test/fixtures';
import { client, startRestServer } from '@/test/rest-client';
import { gatewaySdk, startGatewayTest } from './testing';
import { familyWithVersions } from '../testing/fixtures';
import { flushGatewayEvents } from './metrics-buffer';

let stopSim: () => Promise<void>;
let rest: Awaited<ReturnType<typeof startRestServer>>;
let admin: Actor;
let engineerKey: string;
let pm: ReturnType<typeof client>;
let family: Awaited<ReturnType<typeof familyWithVersions>>;

const PROMPTS = [
  'What does the extended warranty cover on a used SUV?',
  'How often should I rotate the tyres on an electric car?',
  'Can I finance a new pickup with a 620 credit score?',
  'Where is the nearest fast charger compatible with my EV?',
  'My brake pads squeal when cold, is that a problem?',
  'Which trim of the compact crossover has adaptive cruise control?',
];

beforeAll(async () => {
  ({ stop: stopSim } = await joinTestSimulator(fastOptions({ timings: { readyDelayMs: 200 } })));
  admin = await testUser('admin');
  engineerKey = await testApiKey('ml_engineer');
  pm = client((rest = await startRestServer()).url, await testApiKey('product_manager'));
  family = await familyWithVersions(['1.0.0', '1.1.0', '1.2.0']);
  const small = { gpu: 0, cpu: '1', memory: '2Gi' };
  // Two simulated deployments of different quality and speed: production serves 1.0.0, staging 1.1.0; 1.2.0 is not deployed.
  // The better model is also the faster one, so the latency guardrail cannot flag a chance harm and block `ship`.
  await deployModel(meta(admin), family.slug, { version: '1.0.0', environment: 'production', replicas: 2, resources: small, env: { NW_SIM_QUALITY: '0.35', NW_SIM_LATENCY_MS: '8' } });
  await deployModel(meta(admin), family.slug, { version: '1.1.0', environment: 'staging', replicas: 1, resources: small, env: { NW_SIM_QUALITY: '0.95', NW_SIM_LATENCY_MS: '3' } });
  for (const version of ['1.0.0', '1.1.0']) await waitFor(`${version} serving`, () => findServingEndpoint({ familyId: family.id, version }), 30_000, 100);
}, 90_000);

afterAll(async () => {
  await rest?.close();
  await stopSim?.();
});

const startTest = (versions: [string, string], extraMetrics?: object[]) => startGatewayTest(pm, { name: `gateway ${versions.join(' vs ')}`, familySlug: family.slug, versions, extraMetrics });
const sdkFor = (testId: string) => gatewaySdk(rest.url, engineerKey, testId);

describe('the A/B gateway (OpenAI-compatible, driven by the official openai SDK)', () => {
  it('routes each user to its variant, records latency and errors itself, and the test finds the better variant', async () => {
    // No token guardrail here: the better model also answers at greater length (see the streaming test for tokens).
    const test = await startTest(['1.0.0', '1.1.0'], []);
    const openai = sdkFor(test.id);
    const quality: { unit: string; metric: string; value: number }[] = [];
    const seen = new Map<string, string>();
    for (let i = 0; i < 240; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const unit = `driver-${i + j}`;
          const prompt = PROMPTS[(i + j) % PROMPTS.length];
          const { data, response } = await openai.chat.completions.create({ model: 'whatever-the-client-says', user: unit, messages: [{ role: 'user', content: prompt }] }).withResponse();
          const variant = response.headers.get('x-neuroweaver-variant')!;
          expect(['control', 'candidate']).toContain(variant);
          seen.set(unit, variant);
          expect(data.object).toBe('chat.completion');
          expect(data.usage?.total_tokens).toBeGreaterThan(0);
          const answer = data.choices[0].message.content ?? '';
          quality.push({ unit, metric: 'quality', value: judge(`${prompt}\nResponse: ${answer}`).score });
        }),
      );
    }
    // Same unit, same variant — also through /assign.
    for (const unit of ['driver-0', 'driver-1', 'driver-2']) expect((await pm('GET', `/ab-tests/${test.id}/assign?unit=${unit}`)).body.variant).toBe(seen.get(unit));
    expect((await pm('POST', `/ab-tests/${test.id}/events`, { events: quality })).status).toBe(200);
    await flushGatewayEvents();

    const results = (await pm('GET', `/ab-tests/${test.id}/results`)).body;
    const metric = (name: string) => results.metrics.find((m: { name: string }) => m.name === name);
    const units = (name: string) => metric(name).variants.reduce((s: number, v: { n: number }) => s + v.n, 0);
    expect(units('quality')).toBe(240);
    // The gateway's own metrics: one latency and one error flag per request, tokens from usage.
    expect(metric('latency_ms').variants.every((v: { mean: number }) => v.mean > 0)).toBe(true);
    expect(metric('errors').variants.every((v: { mean: number }) => v.mean === 0)).toBe(true);
    const comparison = metric('quality').comparisons[0];
    expect(comparison.variant).toBe('candidate');
    expect(comparison.relative.effect).toBeGreaterThan(0);
    expect(comparison.significant).toBe(true);
    expect(results.recommendation.action, results.recommendation.reason).toBe('ship');
    expect(results.recommendation.variant).toBe('candidate');
  }, 120_000);

  it('streams through the SDK with the variant header, and hides the usage chunk it asked for on the client’s behalf', async () => {
    const test = await startTest(['1.0.0', '1.1.0']);
    const openai = sdkFor(test.id);
    const { data: stream, response } = await openai.chat.completions.create({ model: 'm', user: 'streamer-1', stream: true, messages: [{ role: 'user', content: PROMPTS[0] }] }).withResponse();
    expect(response.headers.get('x-neuroweaver-variant')).toMatch(/^(control|candidate)$/);
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.usage ?? null).toBeNull();
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text.length).toBeGreaterThan(20);

    const withUsage = await openai.chat.completions.create({ model: 'm', user: 'streamer-2', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: PROMPTS[1] }] });
    let usage: number | undefined;
    for await (const chunk of withUsage) if (chunk.usage) usage = chunk.usage.total_tokens;
    expect(usage).toBeGreaterThan(0);

    const plain = await openai.chat.completions.create({ model: 'm', user: 'plain-3', messages: [{ role: 'user', content: PROMPTS[2] }] });
    expect(plain.usage?.total_tokens).toBeGreaterThan(0);

    await flushGatewayEvents();
    const results = (await pm('GET', `/ab-tests/${test.id}/results`)).body;
    const tokens = results.metrics.find((m: { name: string }) => m.name === 'total_tokens');
    // One token count per request, streamed or not, from the answer's usage.
    expect(tokens.variants.reduce((s: number, v: { n: number }) => s + v.n, 0)).toBe(3);
    expect(tokens.variants.reduce((s: number, v: { n: number; mean: number }) => s + v.n * v.mean, 0)).toBeGreaterThan(usage! + plain.usage!.total_tokens); // plus the first stream's hidden usage
  }, 60_000);

  it('refuses clearly: no unit (422 naming user), an undeployed variant (503 naming it), a viewer (403), a stopped test (409)', async () => {
    const test = await startTest(['1.0.0', '1.1.0']);
    const call = client(rest.url, engineerKey);
    const path = `/ab-tests/${test.id}/openai/chat/completions`;
    const noUnit = await call('POST', path, { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(noUnit.status).toBe(422);
    expect(noUnit.body.error.field).toBe('user');
    const viaHeader = await call('POST', path, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-neuroweaver-unit': 'header-unit' } });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get('x-neuroweaver-variant')).toBe((await pm('GET', `/ab-tests/${test.id}/assign?unit=header-unit`)).body.variant);
    const noMessages = await call('POST', path, { model: 'm', user: 'u', messages: [] });
    expect(noMessages.status).toBe(422);
    expect(noMessages.body.error.field).toBe('messages');
    const viewer = client(rest.url, await testApiKey('viewer'));
    expect((await viewer('POST', path, { user: 'u', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(403);

    const undeployed = await startTest(['1.0.0', '1.2.0']);
    const sdk = sdkFor(undeployed.id);
    const statuses = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const res = await client(rest.url, engineerKey)('POST', `/ab-tests/${undeployed.id}/openai/chat/completions`, { user: `u-${i}`, messages: [{ role: 'user', content: 'hi' }] });
      statuses.set(res.status === 503 ? 'candidate' : 'control', res.status);
      if (res.status === 503) expect(res.body.error.message).toContain('"candidate" (version 1.2.0) is not deployed');
    }
    expect(statuses.get('candidate')).toBe(503);
    expect(statuses.get('control')).toBe(200);
    // Users sent to the variant nobody serves are in the test and failed: the errors guardrail sees it.
    await flushGatewayEvents();
    const outage = (await pm('GET', `/ab-tests/${undeployed.id}/results`)).body.metrics.find((m: { name: string }) => m.name === 'errors');
    const candidateErrors = outage.variants.find((v: { key: string }) => v.key === 'candidate');
    expect(candidateErrors.n).toBeGreaterThan(0);
    expect(candidateErrors.mean).toBe(1);
    expect(outage.variants.find((v: { key: string }) => v.key === 'control').mean).toBe(0);
    await expect(sdk.chat.completions.create({ model: 'm', user: 'u-x', messages: [] })).rejects.toMatchObject({ status: 422 });

    expect((await pm('POST', `/ab-tests/${test.id}/stop`, {})).status).toBe(200);
    const stopped = await call('POST', path, { user: 'late', messages: [{ role: 'user', content: 'hi' }] });
    expect(stopped.status).toBe(409);
  }, 60_000);
});
