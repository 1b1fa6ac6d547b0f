import { closeDb } from '@/db/client';
import { benchEnvironment } from './lib/environment';
import { type HostCpu, trackHostCpu } from './lib/host-cpu';

/** A benchmark's result with the machine's CPU load while it ran (`hostCpu`, see ./lib/host-cpu.ts). */
async function measured<T extends object>(bench: () => Promise<T>): Promise<T & { hostCpu: HostCpu | null }> {
  const cpu = trackHostCpu();
  const result = await bench();
  return { ...result, hostCpu: cpu.stop() };
}

/** Each benchmark, loaded only when selected. */
const BENCHMARKS: Record<string, () => Promise<object>> = {
  registry: () => import('./registry').then((m) => m.benchRegistry()),
  ab: () => import('./ab').then((m) => m.benchAb()),
  cluster: () => import('./cluster').then((m) => m.benchCluster()),
  training: () => import('./training').then((m) => m.benchTraining()),
  deployments: () => import('./deployments').then((m) => m.benchDeployments()),
};

/**
 * `npm run bench`: every benchmark in a throwaway database; prints one JSON document on stdout.
 * Select some with `npm run bench -- registry`.
 */
async function main() {
  const selected = new Set(process.argv.slice(2));
  const unknown = [...selected].filter((name) => !(name in BENCHMARKS));
  if (unknown.length) {
    console.error(`No benchmark named ${unknown.join(', ')}; there are ${Object.keys(BENCHMARKS).join(', ')}.`);
    process.exit(2);
  }
  const env = await benchEnvironment();
  const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, startedAt: new Date().toISOString() };
  try {
    for (const [name, run] of Object.entries(BENCHMARKS)) if (!selected.size || selected.has(name)) results[name] = await measured(run);
  } finally {
    await closeDb();
    await env.drop();
  }
  console.log(JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
