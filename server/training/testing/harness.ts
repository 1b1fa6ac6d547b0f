import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeDb } from '@/db/client';
import { joinTestSimulator } from '@/server/cluster/overview/testing';
import { fastOptions } from '@/server/cluster/sim/testing/fast-options';
import type { SimulatorOptions } from '@/server/cluster/sim/options';
import { closeQueues } from '@/server/queue/factory';
import { closeRedis } from '@/server/queue/redis';
import { client, startRestServer } from '@/test/rest-client';
import { testApiKey } from '@/test/fixtures';
import { closeWorkers, register } from '@/workers/register';
import { trainingProcessor } from '@/workers/processors/training';
import { TrainingWatcher } from '../watcher';

/**
 * For integration tests: a simulator in fast mode, the REST API on loopback (trainers post their events
 * there), and optionally the training worker and watcher in this process.
 */
export async function startTrainingHarness(opts: { sim?: SimulatorOptions; inProcessWorker?: boolean } = {}) {
  const env = await joinTestSimulator(fastOptions({ gpus: 8, nodes: 4, ...opts.sim }));
  const server = await startRestServer();
  process.env.NEUROWEAVER_TRAINER_CALLBACK_URL = `${server.url}/api/v1/trainer/events`;
  const watcher = new TrainingWatcher();
  if (opts.inProcessWorker !== false) {
    register('training', trainingProcessor, { concurrency: 16, lockDuration: 10_000, stalledInterval: 5_000 });
    await watcher.start(500);
  }
  const key = await testApiKey('ml_engineer', 'training tests');
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-training-'));
  process.env.NEUROWEAVER_DATASETS_DIR = path.join(dir, 'store');
  process.env.NEUROWEAVER_DATASET_FILE_ROOTS = dir;
  return {
    env,
    server,
    watcher,
    dir,
    api: client(server.url, key),
    apiAs: (k?: string) => client(server.url, k),
    /** A JSONL dataset of `rows` prompt/response pairs, as a file:/// URI. */
    dataset(rows = 40, name = 'data.jsonl'): string {
      const file = path.join(dir, name);
      const lines = Array.from({ length: rows }, (_, i) => JSON.stringify({ prompt: `How do I book service #${i} for my car?`, response: `You can book service ${i} online or call the dealer; bring your VIN.` }));
      writeFileSync(file, `${lines.join('\n')}\n`);
      return `file://${file}`;
    },
    async stop() {
      watcher.stop();
      await closeWorkers();
      await server.close();
      await env.stop();
      rmSync(dir, { recursive: true, force: true });
      delete process.env.NEUROWEAVER_TRAINER_CALLBACK_URL;
      delete process.env.NEUROWEAVER_DATASETS_DIR;
      delete process.env.NEUROWEAVER_DATASET_FILE_ROOTS;
    },
  };
}

export async function closeAll() {
  await closeQueues();
  await closeRedis();
  await closeDb();
}

/** A minimal valid configuration (small model, RLAIF on unless told). */
export function pipelineConfig(datasetUri: string, family: { mode: 'existing'; ref: string } | { mode: 'new'; slug: string; displayName: string }, more: Record<string, unknown> = {}) {
  return {
    family,
    baseModel: 'llama-3.2-3b',
    specialization: 'automotive_service',
    dataset: { kind: 'uri', uri: datasetUri },
    rlaif: { enabled: true, judge: { samplesPerPrompt: 1 } },
    bump: 'minor',
    ...more,
  };
}
