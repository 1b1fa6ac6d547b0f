import OpenAI from 'openai';
import type { WinRateParentSnapshot } from '@/db/schema/training-win-rate';
import type { PipelineConfig } from '../config';
import { resolveEvalPrompts } from '../prompts';
import type { WinRateItem } from './win-rate';

/**
 * The evaluate stage's responses when its trainer wrote no eval_responses.jsonl (simulated cluster): the
 * simulated model server (FIXTURE, server/cluster/sim/model-server) answers every evaluation prompt
 * twice — as the evaluated model, with the quality the simulated trainer trained it to, and as the parent
 * version, with that version's simulated quality — so a better model wins more often, deterministically
 * for a given pipeline and parent (server/cluster/sim/trainer/model-quality.ts).
 */
export async function simulateEvalResponses(
  pipelineId: string,
  config: Pick<PipelineConfig, 'evalPrompts'>,
  modelStage: string,
  parent: { version: string; snapshot: WinRateParentSnapshot },
): Promise<{ items: WinRateItem[]; candidateQuality: number; parentQuality: number }> {
  const [{ startModelServer }, { simulatedModelQuality, simulatedVersionQuality }] = await Promise.all([
    import('@/server/cluster/sim/model-server/model-server'),
    import('@/server/cluster/sim/trainer/model-quality'),
  ]);
  const prompts = resolveEvalPrompts(config);
  const candidateQuality = simulatedModelQuality(pipelineId, modelStage);
  const parentQuality = simulatedVersionQuality({ lineage: { pipelineId: parent.snapshot.pipelineId ?? undefined }, config: { trainedStage: parent.snapshot.trainedStage }, metrics: parent.snapshot.metrics });
  const models = [
    { name: `candidate-${pipelineId.slice(0, 8)}`, quality: candidateQuality },
    { name: `parent-${parent.version}`, quality: parentQuality },
  ];
  const servers = await Promise.all(models.map((m) => startModelServer({ mode: 'chat', modelName: m.name, quality: m.quality, latency: { medianMs: 1, p95Ms: 2 }, seed: `${pipelineId}-${m.name}` })));
  try {
    const [candidate, baseline] = await Promise.all(
      servers.map(async (server) => {
        const openai = new OpenAI({ apiKey: 'simulated', baseURL: `${server.url}/v1`, maxRetries: 2 });
        const answers = await Promise.all(prompts.map((p) => openai.chat.completions.create({ model: server.options.modelName, messages: [{ role: 'user', content: p.prompt }] })));
        return answers.map((a) => a.choices[0]?.message?.content ?? '');
      }),
    );
    return {
      items: prompts.map((p, i) => ({ promptId: p.id, category: p.category, prompt: p.prompt, candidate: candidate[i], baseline: baseline[i] })),
      candidateQuality,
      parentQuality,
    };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
