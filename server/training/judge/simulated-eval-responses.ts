import type { WinRateParentSnapshot } from '@/db/schema/training-win-rate';
import type { PipelineConfig } from '../config';
import { resolveEvalPrompts } from '../prompts';
import type { WinRateItem } from './win-rate';

/**
 * The evaluate stage's responses when its trainer wrote no eval_responses.jsonl (simulated cluster): the
 * simulated model server's answer generator (FIXTURE, server/cluster/sim/model-server/text.ts) answers every
 * evaluation prompt twice — as the evaluated model, with the quality the simulated trainer trained it to, and as the parent
 * version, with that version's simulated quality — so a better model wins more often, deterministically
 * for a given pipeline and parent (server/cluster/sim/trainer/model-quality.ts).
 */
export async function simulateEvalResponses(
  pipelineId: string,
  config: Pick<PipelineConfig, 'evalPrompts'>,
  modelStage: string,
  parent: { version: string; snapshot: WinRateParentSnapshot },
): Promise<{ items: WinRateItem[]; candidateQuality: number; parentQuality: number }> {
  // Called directly, not through the simulated server over HTTP: same answers, without a server and forty
  // requests per pipeline in the worker's event loop.
  const [{ generateAnswer }, { simulatedModelQuality, simulatedVersionQuality }] = await Promise.all([
    import('@/server/cluster/sim/model-server/text'),
    import('@/server/cluster/sim/trainer/model-quality'),
  ]);
  const prompts = resolveEvalPrompts(config);
  const candidateQuality = simulatedModelQuality(pipelineId, modelStage);
  const parentQuality = simulatedVersionQuality({ lineage: { pipelineId: parent.snapshot.pipelineId ?? undefined }, config: { trainedStage: parent.snapshot.trainedStage }, metrics: parent.snapshot.metrics });
  const models = [
    { name: `candidate-${pipelineId.slice(0, 8)}`, quality: candidateQuality },
    { name: `parent-${parent.version}`, quality: parentQuality },
  ];
  const [candidate, baseline] = models.map((m) => prompts.map((p) => generateAnswer(p.prompt, m.name, m.quality)));
  return {
    items: prompts.map((p, i) => ({ promptId: p.id, category: p.category, prompt: p.prompt, candidate: candidate[i], baseline: baseline[i] })),
    candidateQuality,
    parentQuality,
  };
}
