/**
 * A simulator in a process of its own, so a benchmark's CPU figures are its own:
 * `tsx bench/lib/sim-process.ts '<SimulatorOptions as JSON>'` prints `{"kubeconfigPath","url"}` on one
 * line once listening, and stops on SIGTERM.
 */
import { startSimulator } from '@/server/cluster/sim';

async function main() {
  const sim = await startSimulator(JSON.parse(process.argv[2] ?? '{}'));
  console.log(JSON.stringify({ kubeconfigPath: sim.kubeconfigPath, url: sim.url, namespace: sim.namespace }));
  process.once('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
