import { closeDb } from '@/db/client';
import { benchEnvironment } from './lib/environment';
import { type HostCpu, trackHostCpu } from './lib/host-cpu';

/** A benchmark's result with the machine's CPU load while it ran (`hostCpu`, see ./lib/host-cpu.ts). */
async function measured<T extends object>(bench: () => Promise<T>): Promise<T & { hostCpu: HostCpu | null }> {
  const cpu = trackHostCpu();
  const result = await bench();
  return { ...result, hostCpu: cpu.stop() };
}

/**
 * `npm run bench`: every benchmark in a throwaway database; prints one JSON document on stdout.
 * Select some with `npm run bench -- registry`.
 */
async function main() {
  const env = await benchEnvironment();
  const selected = new Set(process.argv.slice(2));
  const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, startedAt: new Date().toISOString() };
  try {
    if (!selected.size || selected.has('registry')) {
      const { benchRegistry } = await import('./registry');
      results.registry = await measured(benchRegistry);
    }
    if (!selected.size || selected.has('ab')) {
      const { benchAb } = await import('./ab');
      results.ab = await measured(benchAb);
    }
    if (!selected.size || selected.has('cluster')) {
      const { benchCluster } = await import('./cluster');
      results.cluster = await measured(benchCluster);
    }
    if (!selected.size || selected.has('training')) {
      const { benchTraining } = await import('./training');
      results.training = await measured(benchTraining);
    }
    if (!selected.size || selected.has('deployments')) {
      const { benchDeployments } = await import('./deployments');
      results.deployments = await measured(benchDeployments);
    }
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
