import { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor } from '@/server/auth/actor';
import { joinTestSimulator } from '@/server/cluster/overview/testing';
import type { Simulator } from '@/server/cluster/sim';
import type { ModelServer } from '@/server/cluster/sim/model-server/model-server';
import { fastOptions } from '@/server/cluster/sim/testing/fast-options';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { deployModel } from '@/server/deployments/deploy';
import { clearEndpointCache, findServingEndpoint } from '@/server/deployments/endpoints';
import { meta, testApiKey, testUser } from '@/test/fixtures';
import { client, startRestServer } from '@/test/rest-client';
import { gatewaySdk, startGatewayTest } from './testing';
import { variantFor } from '../assign';
import { cachedDefinition } from '../definition';
import { familyWithVersions } from '../testing/fixtures';
import { flushGatewayEvents } from './metrics-buffer';

/*
 * The gateway's `errors` metric when things go wrong, driven by the official openai SDK against simulated
 * deployments: a model server that answers 5xx (the simulator's NW_SIM_ERROR_RATE), one that cannot be
 * reached, a stream the model server cuts mid-way, and a client that leaves mid-stream (not an error).
 */

let sim: Simulator;
let stopSim: () => Promise<void>;
let rest: Awaited<ReturnType<typeof startRestServer>>;
let admin: Actor;
let engineerKey: string;
let pm: ReturnType<typeof client>;

beforeAll(async () => {
  ({ sim, stop: stopSim } = await joinTestSimulator(fastOptions({ timings: { readyDelayMs: 200 } })));
  admin = await testUser('admin');
  engineerKey = await testApiKey('ml_engineer');
  pm = client((rest = await startRestServer()).url, await testApiKey('product_manager'));
}, 60_000);

afterAll(async () => {
  await rest?.close();
  await stopSim?.();
});

const small = { gpu: 0, cpu: '1', memory: '2Gi' };

/** A family with 1.0.0 in production and 1.1.0 in staging, each with the simulator env given, both serving. */
async function deployedFamily(productionEnv: Record<string, string>, stagingEnv: Record<string, string>) {
  const family = await familyWithVersions(['1.0.0', '1.1.0']);
  await deployModel(meta(admin), family.slug, { version: '1.0.0', environment: 'production', replicas: 1, resources: small, env: productionEnv });
  await deployModel(meta(admin), family.slug, { version: '1.1.0', environment: 'staging', replicas: 1, resources: small, env: stagingEnv });
  for (const version of ['1.0.0', '1.1.0']) await waitFor(`${version} serving`, () => findServingEndpoint({ familyId: family.id, version }), 30_000, 100);
  return family;
}

const startTest = (familySlug: string) => startGatewayTest(pm, { name: 'gateway failures', familySlug, versions: ['1.0.0', '1.1.0'] });
const sdkFor = (testId: string) => gatewaySdk(rest.url, engineerKey, testId);

/** Units that are assigned `variant` (the pure assignment function, so that finding them exposes no one). */
async function unitsOf(testId: string, variant: string, count: number, prefix: string) {
  const def = await cachedDefinition(testId);
  const units: string[] = [];
  for (let i = 0; units.length < count; i++) if (variantFor(def, `${prefix}-${i}`).key === variant) units.push(`${prefix}-${i}`);
  return units;
}

type VariantStats = { key: string; n: number; mean: number };
async function metricsOf(testId: string) {
  await flushGatewayEvents();
  const results = (await pm('GET', `/ab-tests/${testId}/results`)).body;
  return (name: string, variant: string): VariantStats | undefined =>
    results.metrics.find((m: { name: string }) => m.name === name)?.variants.find((v: VariantStats) => v.key === variant && v.n > 0);
}

/** The simulated pod's model server behind the endpoint currently serving `version`. */
async function modelServerOf(familyId: string, version: string): Promise<ModelServer> {
  const endpoint = await findServingEndpoint({ familyId, version });
  for (const pod of sim.store.list('pods')) {
    const server = sim.kubelet.modelServer(pod.metadata.namespace!, pod.metadata.name!);
    if (server && server.url === endpoint?.baseUrl) return server;
  }
  throw new Error(`no model server for ${version} at ${endpoint?.baseUrl}`);
}

/** A 5xx answer must be JSON in the documented envelope, never an internal error with a stack. */
function expectErrorEnvelope(body: { error?: { message?: unknown } }) {
  expect(typeof body.error?.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |stack/);
}

describe('the A/B gateway when a variant fails', () => {
  it('passes a model server’s 5xx through as an OpenAI error and records errors = 1 (latency too, no tokens) for those units', async () => {
    const family = await deployedFamily({ NW_SIM_LATENCY_MS: '3' }, { NW_SIM_LATENCY_MS: '3', NW_SIM_ERROR_RATE: '1' });
    const test = await startTest(family.slug);
    const openai = sdkFor(test.id);
    const failing = await unitsOf(test.id, 'candidate', 4, 'f');
    const healthy = await unitsOf(test.id, 'control', 4, 'h');
    for (const [i, unit] of failing.entries()) {
      const stream = i % 2 === 1;
      const error = await openai.chat.completions.create({ model: 'm', user: unit, stream, messages: [{ role: 'user', content: 'Hi' }] }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(500);
      expect((error as APIError).message).toContain('simulated fault');
      expect((error as APIError).headers?.get('x-neuroweaver-variant')).toBe('candidate');
    }
    const raw = await client(rest.url, engineerKey)('POST', `/ab-tests/${test.id}/openai/chat/completions`, { user: failing[0], messages: [{ role: 'user', content: 'Hi' }] });
    expect(raw.status).toBe(500);
    expectErrorEnvelope(raw.body);
    for (const unit of healthy) expect((await openai.chat.completions.create({ model: 'm', user: unit, messages: [{ role: 'user', content: 'Hi' }] })).usage?.total_tokens).toBeGreaterThan(0);

    const metric = await metricsOf(test.id);
    expect(metric('errors', 'candidate')).toMatchObject({ n: 4, mean: 1 });
    expect(metric('errors', 'control')).toMatchObject({ n: 4, mean: 0 });
    expect(metric('latency_ms', 'candidate')?.n).toBe(4);
    expect(metric('latency_ms', 'candidate')!.mean).toBeGreaterThan(0);
    // A failed answer has no usage: no token count for those units (results count an exposed unit without events as 0).
    expect(metric('total_tokens', 'candidate')).toMatchObject({ n: 4, mean: 0 });
    expect(metric('total_tokens', 'control')?.n).toBe(4);
  }, 60_000);

  it('a stream the model server cuts mid-way ends in an error the SDK raises, errors = 1; an unreachable model server is a 502, errors = 1', async () => {
    // Slow answers (~2 s), so the stream is still running when its model server goes away.
    const family = await deployedFamily({ NW_SIM_LATENCY_MS: '3' }, { NW_SIM_LATENCY_MS: '2000', NW_SIM_LATENCY_P95_MS: '2000' });
    const test = await startTest(family.slug);
    const openai = sdkFor(test.id);
    const [cut, unreachable] = await unitsOf(test.id, 'candidate', 2, 'c');
    const server = await modelServerOf(family.id, '1.1.0');

    const stream = await openai.chat.completions.create({ model: 'm', user: cut, stream: true, messages: [{ role: 'user', content: 'Tell me about tyres' }] });
    let chunks = 0;
    const read = (async () => {
      for await (const chunk of stream) {
        chunks++;
        if (chunks === 2) void server.close(); // the pod's model server dies mid-answer
        expect(chunk.object).toBe('chat.completion.chunk');
      }
    })();
    const error = await read.then(() => null, (e: unknown) => e);
    expect(chunks).toBeGreaterThanOrEqual(2);
    // The client must learn the answer is incomplete: an error, not a clean end of stream.
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).not.toMatch(/\n\s+at /);

    // The closed server's URL is still what the deployment resolves to (its pod is Ready): connection refused.
    const res = await client(rest.url, engineerKey)('POST', `/ab-tests/${test.id}/openai/chat/completions`, { user: unreachable, messages: [{ role: 'user', content: 'Hi' }] });
    expect([502, 503]).toContain(res.status);
    expect(res.body.error.code).toBe(res.status === 502 ? 'bad_gateway' : 'service_unavailable');
    expectErrorEnvelope(res.body);
    if (res.status === 502) expect(res.body.error.message).toContain('"candidate"');
    await expect(openai.chat.completions.create({ model: 'm', user: unreachable, messages: [{ role: 'user', content: 'Hi' }] })).rejects.toBeInstanceOf(APIError);

    const metric = await metricsOf(test.id);
    const errors = metric('errors', 'candidate');
    // The cut stream and every 502 count as errors; both units are failures.
    expect(errors?.mean).toBe(1);
    expect(errors?.n).toBe(2); // a 502 (unreachable) or a 503 (no ready endpoint left) both count as the unit's failure
    expect(metric('latency_ms', 'candidate')?.n).toBe(errors?.n);
    expect(metric('latency_ms', 'candidate')!.mean).toBeGreaterThan(0);
    expect(metric('total_tokens', 'candidate')?.mean ?? 0).toBe(0);
    clearEndpointCache();
  }, 60_000);

  it('a client that aborts a stream mid-way is not counted as an error (nor at all)', async () => {
    const family = await deployedFamily({ NW_SIM_LATENCY_MS: '1500', NW_SIM_LATENCY_P95_MS: '1500' }, { NW_SIM_LATENCY_MS: '1500', NW_SIM_LATENCY_P95_MS: '1500' });
    const test = await startTest(family.slug);
    const openai = sdkFor(test.id);
    const [leaver] = await unitsOf(test.id, 'candidate', 1, 'a');
    const [finisher] = await unitsOf(test.id, 'control', 1, 'a');
    const controller = new AbortController();
    const stream = await openai.chat.completions.create({ model: 'm', user: leaver, stream: true, messages: [{ role: 'user', content: 'Tell me about tyres' }] }, { signal: controller.signal });
    let chunks = 0;
    const error = await (async () => {
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        if (++chunks === 2) controller.abort();
      }
    })().then(() => null, (e: unknown) => e);
    expect(chunks).toBe(2);
    expect((error as Error | null)?.name ?? 'stopped').toMatch(/Abort|stopped/);
    let completed = 0;
    for await (const chunk of await openai.chat.completions.create({ model: 'm', user: finisher, stream: true, messages: [{ role: 'user', content: 'Hi' }] })) completed += chunk.choices.length;
    expect(completed).toBeGreaterThan(2);
    // Let the gateway notice the departure and the upstream stream end.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const metric = await metricsOf(test.id);
    // Exposed but nothing recorded: the results count the unit with 0 (no error, no latency).
    expect(metric('errors', 'candidate')).toMatchObject({ n: 1, mean: 0 });
    expect(metric('latency_ms', 'candidate')).toMatchObject({ n: 1, mean: 0 });
    expect(metric('errors', 'control')).toMatchObject({ n: 1, mean: 0 });
    expect(metric('total_tokens', 'control')?.n).toBe(1);
  }, 60_000);
});

