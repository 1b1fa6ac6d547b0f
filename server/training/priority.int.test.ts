import type { IPod } from 'kubernetes-models/v1/Pod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds, LABELS } from '@/server/cluster';
import { RESOURCE_KEYS } from '@/server/cluster/sim';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { systemMeta, uniqueSlug } from '@/test/fixtures';
import { closeAll, pipelineConfig, startTrainingHarness } from './testing/harness';

/*
 * Run priority on a cluster with fewer GPUs than waiting Jobs: one node, one GPU. The simulator schedules
 * like kube-scheduler (priority, then age), and the queue position shown for a stage follows the same order.
 */

let h: Awaited<ReturnType<typeof startTrainingHarness>>;

beforeAll(async () => {
  h = await startTrainingHarness({ sim: { gpus: 1, nodes: 1 } });
}, 60_000);
afterAll(async () => {
  h?.env.sim.settings.update({ gpusPerNode: 1 });
  await h?.stop();
  await closeAll();
});

async function sftOf(id: string): Promise<{ status: string; waiting: string | null }> {
  const res = await h.api('GET', `/training/${id}/status`);
  expect(res.status).toBe(200);
  return res.body.stages.find((s: { stage: string }) => s.stage === 'sft');
}

async function family() {
  const slug = uniqueSlug('prio');
  await createFamily(systemMeta, { slug, displayName: 'Priority test', baseModel: 'meta-llama/Llama-3.2-3B-Instruct', specialization: 'automotive_service' });
  await createVersion(systemMeta, slug, { version: '1.0.0' });
  return slug;
}

describe('run priority on the GPU queue', () => {
  it('gives the GPU to a high-priority run submitted after low-priority ones, and shows it 1st in queue', async () => {
    const slug = await family();
    const start = async (priority: string) => {
      const res = await h.api('POST', '/training/start', pipelineConfig(h.dataset(10), { mode: 'existing', ref: slug }, { rlaif: { enabled: false }, priority }));
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      return res.body.jobId as string;
    };
    // Which pipeline's SFT pod gets a node, in order.
    const bound: string[] = [];
    const unsubscribe = h.env.sim.store.subscribe((e) => {
      const pod = e.object as IPod;
      const before = e.oldObject as IPod | undefined;
      if (e.type === 'MODIFIED' && pod.spec?.nodeName && !before?.spec?.nodeName && pod.metadata?.labels?.[LABELS.stage] === 'sft') bound.push(pod.metadata.labels[LABELS.pipeline]);
    }, [RESOURCE_KEYS.pods]);
    h.env.sim.settings.update({ gpusPerNode: 0 });
    try {
      const lowA = await start('low');
      await waitFor('the first low run to wait', async () => (await sftOf(lowA)).waiting === 'waiting for GPU (1st in queue)', 20_000, 100);
      const lowB = await start('low');
      await waitFor('the second low run to queue behind it', async () => (await sftOf(lowB)).waiting === 'waiting for GPU (2nd in queue)', 20_000, 100);

      const high = await start('high');
      // Submitted last, first in line: the same order the scheduler will hand out the GPU in.
      await waitFor('the high run to go to the head of the queue', async () => (await sftOf(high)).waiting === 'waiting for GPU (1st in queue)', 20_000, 100);
      await waitFor('the low runs to move down', async () => (await sftOf(lowA)).waiting === 'waiting for GPU (2nd in queue)' && (await sftOf(lowB)).waiting === 'waiting for GPU (3rd in queue)', 20_000, 100);

      // The Jobs carry the run's PriorityClass, which the dispatch created on the cluster.
      const { items: jobs } = await h.env.cluster.client.list(Kinds.Job, { labelSelector: `${LABELS.pipeline}=${high}` });
      expect(jobs[0].spec!.template.spec!.priorityClassName).toBe('neuroweaver-training-high');
      expect((await h.env.cluster.client.get(Kinds.PriorityClass, 'neuroweaver-training-high')).value).toBeGreaterThan((await h.env.cluster.client.get(Kinds.PriorityClass, 'neuroweaver-training-low')).value!);

      // One GPU frees up: the high run gets it, the low ones keep waiting, in their order.
      h.env.sim.settings.update({ gpusPerNode: 1 });
      await waitFor('the first SFT pod to be scheduled', () => bound.length > 0, 20_000, 50);
      expect(bound[0]).toBe(high);
      await waitFor('the high run to leave the queue', async () => (await sftOf(high)).waiting === null, 20_000, 100);
      expect(await sftOf(lowA)).toMatchObject({ status: 'running', waiting: expect.stringMatching(/^waiting for GPU \((1st|2nd) in queue\)$/) });

      // Everyone gets the GPU in turn; between the two low runs, the older one first.
      await waitFor('all three SFT stages to be scheduled', () => [high, lowA, lowB].every((id) => bound.includes(id)), 60_000, 100);
      expect(bound.filter((id) => id !== high)).toEqual([lowA, lowB]);
      // And all three finish (nothing is left running for the next test file's workers to pick up).
      for (const id of [high, lowA, lowB]) {
        await waitFor(`pipeline ${id} to finish`, async () => (await h.api('GET', `/training/${id}/status`)).body.status === 'succeeded', 60_000, 100);
      }
    } finally {
      unsubscribe();
      h.env.sim.settings.update({ gpusPerNode: 1 });
    }
  }, 120_000);
});
