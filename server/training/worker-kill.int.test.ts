import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { modelVersions } from '@/db/schema/registry';
import { trainingStageAttempts } from '@/db/schema/training';
import { Kinds, LABELS } from '@/server/cluster';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { systemMeta, uniqueSlug } from '@/test/fixtures';
import { closeAll, pipelineConfig, startTrainingHarness } from './testing/harness';

/*
 * A worker process killed (SIGKILL, no chance to clean up) in the middle of a worker stage and again in
 * the middle of a GPU stage: the pipeline still finishes exactly once — one Job per stage attempt, one
 * registered version, one recorded transition per stage.
 */

let h: Awaited<ReturnType<typeof startTrainingHarness>>;
let slowServer: Server;
let slowUrl: string;
const children: ChildProcess[] = [];
let output = '';

beforeAll(async () => {
  h = await startTrainingHarness({ inProcessWorker: false });
  // A dataset served slowly (3 s), so the `prepare` stage is still running when the worker is killed.
  const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ prompt: `Question ${i} about brake pads?`, response: `Answer ${i}: replace them every 40k miles.` }));
  slowServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let i = 0;
    const timer = setInterval(() => {
      if (i < rows.length) res.write(`${rows[i++]}\n`);
      else {
        clearInterval(timer);
        res.end();
      }
    }, 100);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => slowServer.listen(0, '127.0.0.1', r));
  slowUrl = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/data.jsonl`;
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  slowServer?.close();
  slowServer?.closeAllConnections();
  await h?.stop();
  await closeAll();
});

async function startWorker(): Promise<ChildProcess> {
  // One process (node with tsx's loader, not the tsx wrapper, whose child would survive a SIGKILL of the
  // wrapper). NODE_ENV=test would silence the info line this waits for.
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], { env: { ...process.env, NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let ready = false;
  child.stdout!.on('data', (d: Buffer) => {
    output += d;
    if (d.toString().includes('workers ready')) ready = true;
  });
  child.stderr!.on('data', (d) => (output += d));
  await waitFor('a worker process to start', () => {
    if (child.exitCode !== null) throw new Error(`worker exited:\n${output.slice(-3000)}`);
    return ready;
  }, 30_000, 100).catch((err: Error) => {
    throw new Error(`${err.message}\n${output.slice(-3000)}`);
  });
  return child;
}

async function kill(child: ChildProcess) {
  child.kill('SIGKILL');
  await once(child, 'exit');
}

async function statusOf(id: string) {
  return (await h.api('GET', `/training/${id}/status`)).body;
}
const stageOf = async (id: string, stage: string) => (await statusOf(id)).stages.find((s: { stage: string }) => s.stage === stage);

describe('a worker killed mid-stage', () => {
  it('finishes the pipeline exactly once', async () => {
    const slug = uniqueSlug('kill');
    await createFamily(systemMeta, { slug, displayName: 'Kill test', baseModel: 'meta-llama/Llama-3.2-3B-Instruct', specialization: 'automotive_service' });
    await createVersion(systemMeta, slug, { version: '2.0.0' });
    h.env.sim.settings.update({ gpusPerNode: 0 });

    // 1. Killed during the worker stage `prepare`.
    const w1 = await startWorker();
    const id = (await h.api('POST', '/training/start', pipelineConfig(slowUrl, { mode: 'existing', ref: slug }, { rlaif: { enabled: false } }))).body.jobId;
    await waitFor('prepare to run', async () => (await stageOf(id, 'prepare')).status === 'running', 20_000, 50);
    await kill(w1);

    // 2. A new worker takes the stalled job over; killed while the sft Job waits for a GPU.
    const w2 = await startWorker();
    await waitFor('sft to be dispatched', async () => (await stageOf(id, 'sft')).waiting, 60_000, 200);
    await kill(w2);

    // 3. The Job runs to completion while no worker is alive.
    h.env.sim.settings.update({ gpusPerNode: 2 });
    const sftJob = (await stageOf(id, 'sft')).jobName;
    await waitFor('the sft Job to complete', async () => (await h.env.cluster.client.get(Kinds.Job, sftJob)).status?.succeeded === 1, 20_000, 100);

    // 4. A third worker sees it on its first watch SYNC and finishes the run.
    await startWorker();
    const done = await waitFor('the pipeline to finish', async () => {
      const s = await statusOf(id);
      return s.status !== 'running' ? s : null;
    }, 60_000, 200);
    expect(done.status, output.slice(-3000)).toBe('succeeded');
    expect(done.stages.map((s: { stage: string; attempt: number }) => `${s.stage}#${s.attempt}`)).toEqual(['prepare#1', 'sft#1', 'evaluate#1', 'register#1']);

    const { items } = await h.env.cluster.client.list(Kinds.Job, { labelSelector: `${LABELS.pipeline}=${id}` });
    expect(items.map((j) => j.metadata!.name!.replace(/-[0-9a-f-]{36}.*$/, '')).sort()).toEqual(['evaluate', 'sft']);
    expect(await db.select().from(modelVersions).where(eq(modelVersions.trainingJobId, id))).toHaveLength(1);
    const transitions = await db.select().from(trainingStageAttempts).where(eq(trainingStageAttempts.pipelineId, id));
    expect(transitions.map((t) => `${t.stage}:${t.status}`).sort()).toEqual(['evaluate:succeeded', 'prepare:succeeded', 'register:succeeded', 'sft:succeeded']);
  }, 180_000);
});
