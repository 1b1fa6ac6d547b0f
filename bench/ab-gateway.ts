import { Agent, request } from 'node:http';
import { systemActor } from '@/server/auth/actor';
import { deployModel } from '@/server/deployments/deploy';
import { findServingEndpoint } from '@/server/deployments/endpoints';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { benchFamily, startedTest } from './lib/ab-test';
import { percentile } from './lib/stats';

const meta = { actor: systemActor, requestId: 'bench-gateway' };
const REQUESTS = Number(process.env.BENCH_GATEWAY_REQUESTS ?? 2000);
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; ms: number; variant?: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ method: 'POST', hostname: u.hostname, port: u.port, path: u.pathname, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, variant: res.headers['x-neuroweaver-variant'] as string | undefined }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

/**
 * The gateway's overhead: the same chat completion sent straight to the model server and through
 * POST /ab-tests/{id}/openai/chat/completions on the API process, interleaved one by one so both see the
 * same machine state; overhead = gateway − direct at each percentile. The simulated model server answers
 * with zero latency, so what remains is transport and the gateway's own work.
 */
export async function benchGateway(apiUrl: string, key: string) {
  const family = await benchFamily(`bench-gw-${Date.now().toString(36)}`);
  const resources = { gpu: 0, cpu: '1', memory: '2Gi' };
  const env = { NW_SIM_LATENCY_MS: '0' };
  await deployModel(meta, family.slug, { version: '1.0.0', environment: 'production', replicas: 1, resources, env });
  await deployModel(meta, family.slug, { version: '1.1.0', environment: 'staging', replicas: 1, resources, env });
  const endpoints = await Promise.all(['1.0.0', '1.1.0'].map((version) => waitFor(`${version} serving`, () => findServingEndpoint({ familyId: family.id, version }), 60_000, 100)));
  const test = await startedTest(
    family.slug,
    'gateway overhead',
    [
      { name: 'latency_ms', kind: 'mean', role: 'primary', direction: 'decrease' },
      { name: 'errors', kind: 'binomial', role: 'guardrail', direction: 'decrease' },
      { name: 'total_tokens', kind: 'mean', role: 'guardrail', direction: 'decrease' },
    ],
    { method: 'frequentist', minimumDetectableEffect: 0.05, minSamplePerVariant: 100, correction: 'none' },
  );
  const direct = { control: endpoints[0].baseUrl, treatment: endpoints[1].baseUrl } as Record<string, string>;
  const auth = { authorization: `Bearer ${key}` };
  const gatewayUrl = `${apiUrl}/api/v1/ab-tests/${test.id}/openai/chat/completions`;
  const messages = [{ role: 'user', content: 'How long does an oil change take?' }];

  const viaGateway: number[] = [];
  const straight: number[] = [];
  let errors = 0;
  for (let i = 0; i < REQUESTS + 200; i++) {
    const unit = `bench-unit-${i % 500}`;
    const routed = await post(gatewayUrl, JSON.stringify({ model: 'x', user: unit, messages, max_tokens: 16 }), auth);
    const plain = await post(`${direct[routed.variant ?? 'control']}/v1/chat/completions`, JSON.stringify({ model: family.slug, user: unit, messages, max_tokens: 16 }));
    if (routed.status !== 200 || plain.status !== 200) errors++;
    if (i < 200) continue; // warm-up: connections, caches, JIT
    viaGateway.push(routed.ms);
    straight.push(plain.ms);
  }
  const at = (p: number) => Math.round((percentile(viaGateway, p) - percentile(straight, p)) * 1000) / 1000;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    requests: REQUESTS,
    directMs: { p50: round(percentile(straight, 50)), p99: round(percentile(straight, 99)) },
    gatewayMs: { p50: round(percentile(viaGateway, 50)), p99: round(percentile(viaGateway, 99)) },
    overheadMs: { p50: at(50), p99: at(99) },
    errors,
    aim: { overheadP50Ms: 2 },
    meetsAim: at(50) < 2 && errors === 0,
  };
}
