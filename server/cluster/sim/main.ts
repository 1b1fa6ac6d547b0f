import { parseArgs } from 'node:util';
import { startSimulator } from './index';

/**
 * CLI: `tsx server/cluster/sim/main.ts --port 6443 --gpus 16 --nodes 4 --kubeconfig path --persist path`
 * Starts the simulator and runs until SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '6443' },
      host: { type: 'string', default: '127.0.0.1' },
      gpus: { type: 'string', default: '16' },
      nodes: { type: 'string', default: '4' },
      kubeconfig: { type: 'string' },
      persist: { type: 'string' },
      speed: { type: 'string', default: '1' },
      namespace: { type: 'string', default: 'neuroweaver' },
      token: { type: 'string' },
      'no-tls': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: tsx server/cluster/sim/main.ts [--port 6443] [--gpus 16] [--nodes 4] [--kubeconfig path] [--persist path] [--speed 1] [--namespace neuroweaver] [--token t] [--no-tls]');
    return;
  }
  const sim = await startSimulator({
    host: values.host,
    port: Number(values.port),
    gpus: Number(values.gpus),
    nodes: Number(values.nodes),
    kubeconfigPath: values.kubeconfig,
    persistPath: values.persist,
    speed: Number(values.speed),
    namespace: values.namespace,
    token: values.token,
    tls: !values['no-tls'],
  });
  console.log(`Simulated cluster listening on ${sim.url}`);
  console.log(`kubeconfig: ${sim.kubeconfigPath}  (kubectl --kubeconfig ${sim.kubeconfigPath} get nodes)`);
  const shutdown = async () => {
    await sim.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
