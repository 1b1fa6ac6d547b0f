import { closeDb } from '@/db/client';
import { benchEnvironment } from './lib/environment';

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
      results.registry = await benchRegistry();
    }
    if (!selected.size || selected.has('ab')) {
      const { benchAb } = await import('./ab');
      results.ab = await benchAb();
    }
    if (!selected.size || selected.has('cluster')) {
      const { benchCluster } = await import('./cluster');
      results.cluster = await benchCluster();
    }
    if (!selected.size || selected.has('training')) {
      const { benchTraining } = await import('./training');
      results.training = await benchTraining();
    }
    if (!selected.size || selected.has('deployments')) {
      const { benchDeployments } = await import('./deployments');
      results.deployments = await benchDeployments();
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
