import { eq } from 'drizzle-orm';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { db } from '@/db/client';
import { trainingStages } from '@/db/schema/training';
import { ANNOTATIONS, buildJobTokenSecret, buildTrainingJob, ensureTrainingPriorityClasses, getCluster, jobFinished, Kinds, trainingJobNames, type TrainingJobRef } from '@/server/cluster';
import { enqueue, removeJob } from '@/server/queue/factory';
import { BASE_MODELS, GPU_TYPES } from './base-models';
import type { PipelineConfig } from './config';
import { issueJobToken } from './job-token';
import { EVAL_RESPONSES_FILE } from './judge/eval-responses';
import { pinWinRateParent } from './judge/win-rate-store';
import { trainingSettings } from './settings';
import { stageJobId, type StageName } from './stages';
import { parentVersionOf, type ParentVersion } from './judge/parent';
import type { CompletedPipeline, NextStage } from './transitions';

/**
 * What a GPU stage's dispatch reads of its pipeline: what the transition that queued it returned, and
 * `parentLookup`, the evaluate stage's parent version when `readAhead` started looking it up already
 * (undefined when that lookup failed: the dispatch then asks itself).
 */
export type DispatchPipeline = CompletedPipeline & { parentLookup?: Promise<ParentVersion | null | undefined> };

/** GPU stages whose completion may queue evaluate next (sft without RLAIF, ppo with it). */
const EVALUATE_MAY_FOLLOW = new Set<string>(['sft', 'ppo']);

/**
 * Starts reading what the dispatch after `finished` (a Job that completed) will need, while the transition
 * that queues it is being written: one round trip fewer between one Job and the next. Today that is the
 * evaluate Job's parent version, found through the family the Job names (applyStageJob annotates it).
 */
export function readAhead(finished: IJob): Pick<DispatchPipeline, 'parentLookup'> {
  const family = finished.metadata?.annotations?.[ANNOTATIONS.family];
  const stage = finished.metadata?.annotations?.[ANNOTATIONS.stage];
  if (!family || !stage || !EVALUATE_MAY_FOLLOW.has(stage)) return {};
  return { parentLookup: sharedParentLookup(family) };
}

const parentLookups = new Map<string, Promise<ParentVersion | null | undefined>>();

/**
 * One lookup per family at a time: dispatches that start while one is in flight share its answer (a burst
 * of one family's Jobs finishing together asks once). A joiner's answer is the family's latest version as
 * of at most a few milliseconds before it asked, as if its Job had finished that much earlier; a version
 * registered meanwhile is a race either way. Only the read-ahead shares: the pin's fallback lookup reads afresh.
 */
function sharedParentLookup(family: string): Promise<ParentVersion | null | undefined> {
  let lookup = parentLookups.get(family);
  if (!lookup) {
    lookup = parentVersionOf(family)
      .catch(() => undefined)
      .finally(() => parentLookups.delete(family));
    parentLookups.set(family, lookup);
  }
  return lookup;
}

const PRIORITY: Record<PipelineConfig['priority'], number> = { high: 1, normal: 5, low: 10 };

/** Enqueues one stage attempt; BullMQ deduplicates on the job id, so enqueuing twice runs it once. */
export async function enqueueStage(next: NextStage, priority: PipelineConfig['priority'] = 'normal', delay?: number) {
  await enqueue('training', 'run-stage', next, { jobId: stageJobId(next.pipelineId, next.stage, next.attempt), priority: PRIORITY[priority] ?? 5, ...(delay ? { delay } : {}) });
}

/** Removes a stage attempt's queued job before it runs (see the watcher's safety net); false when it is running. */
export async function unqueueStage(next: NextStage): Promise<boolean> {
  return removeJob('training', stageJobId(next.pipelineId, next.stage, next.attempt));
}

/**
 * Enqueues the judging of an evaluate attempt whose Job succeeded (./evaluate-judging.ts); deduplicated
 * on its own job id, so the watcher may see the finished Job any number of times.
 */
export async function enqueueEvaluateJudging(pipelineId: string, attempt: number, priority: PipelineConfig['priority'] = 'normal') {
  await enqueue('training', 'judge-evaluation', { pipelineId, stage: 'evaluate', attempt }, { jobId: `${stageJobId(pipelineId, 'evaluate', attempt)}.judge`, priority: PRIORITY[priority] ?? 5 });
}

/** The parent version the evaluate trainer answers as the baseline (pinned per attempt: ./judge/win-rate-store.ts). */
async function evaluateParent(pipeline: DispatchPipeline, attempt: number) {
  const row = await pinWinRateParent(pipeline, attempt);
  if (!row.parentVersion) return null;
  const uri = row.parent?.artifactUri ?? null;
  return { family: row.family, version: row.parentVersion, versionId: row.parentVersionId, artifact: uri ? { uri, sha256: row.parent?.artifactSha256 ?? null } : null };
}

/** What the trainer of a GPU stage reads from NW_CONFIG (docs/trainer-contract.md). */
export async function gpuStageConfig(pipeline: DispatchPipeline, stage: StageName, attempt = 1): Promise<Record<string, unknown>> {
  const cfg = pipeline.config as unknown as PipelineConfig;
  // The stages' results come with the pipeline from the transition that queued this stage, when it did;
  // the evaluate Job's parent is looked up alongside: both sit between a finished Job and the next one.
  const [stageRows, parent] = await Promise.all([
    pipeline.stages ?? db.select({ stage: trainingStages.stage, status: trainingStages.status, result: trainingStages.result }).from(trainingStages).where(eq(trainingStages.pipelineId, pipeline.id)),
    stage === 'evaluate' ? evaluateParent(pipeline, attempt) : null,
  ]);
  const results = Object.fromEntries(stageRows.map((r) => [r.stage, r]));
  const artifact = (s: StageName) => (results[s]?.status === 'succeeded' ? ((results[s].result as { artifact?: unknown }).artifact ?? null) : null);
  const base = { stage, pipelineId: pipeline.id, baseModel: BASE_MODELS[cfg.baseModel]?.hfId ?? cfg.baseModel, specialization: cfg.specialization, dataset: results.prepare?.result ?? {} };
  switch (stage) {
    case 'sft':
      return { ...base, qlora: cfg.qlora, learningRate: cfg.qlora.learningRate, totalSteps: cfg.qlora.epochs * 100 };
    case 'generate':
      return { ...base, adapter: artifact('sft'), evalPrompts: cfg.evalPrompts, samplesPerPrompt: cfg.rlaif.judge.samplesPerPrompt, totalSteps: 20 * cfg.rlaif.judge.samplesPerPrompt };
    case 'reward_model':
      return { ...base, adapter: artifact('sft'), feedback: results.feedback?.result ?? {}, ...cfg.rlaif.rewardModel, totalSteps: cfg.rlaif.rewardModel.epochs * 100 };
    case 'ppo':
      return { ...base, policy: artifact('sft'), rewardModel: artifact('reward_model'), ...cfg.rlaif.ppo, totalSteps: cfg.rlaif.ppo.steps };
    case 'evaluate': {
      // After a fallback (or without RLAIF) the SFT adapter is what gets evaluated and registered.
      const policy = artifact('ppo') ?? artifact('sft');
      return {
        ...base, model: policy, modelStage: artifact('ppo') ? 'ppo' : 'sft', evalPrompts: cfg.evalPrompts, judge: { model: cfg.rlaif.judge.model, mode: cfg.rlaif.judge.mode },
        // Baseline of the win rate: the trainer answers the eval prompts with it too (eval_responses.jsonl); null for a family's first version.
        parent, evalResponsesFile: EVAL_RESPONSES_FILE, totalSteps: 50,
      };
    }
    default:
      return base;
  }
}

/**
 * Creates the token Secret and the Job of one GPU stage attempt by server-side apply under deterministic
 * names: doing it again (a retried BullMQ job, a worker killed half-way) converges on the same two
 * objects, so one attempt never has two Jobs. The run's priority picks the pod's PriorityClass, its place
 * in the cluster's queue for GPUs (the BullMQ priority only orders the dispatches themselves).
 * `stageConfig` is what `gpuStageConfig` returns, when the caller has read it already.
 */
export async function applyStageJob(pipeline: DispatchPipeline, stage: StageName, attempt: number, stageConfig?: Record<string, unknown>): Promise<string> {
  const { client, identity } = await getCluster();
  const settings = trainingSettings();
  const cfg = pipeline.config as unknown as PipelineConfig;
  const ref: NextStage = { pipelineId: pipeline.id, stage, attempt };
  const names = trainingJobNames(ref);
  const namespace = identity.namespace;
  const simulated = identity.kind === 'simulated';
  const job = buildTrainingJob(
    {
      ...ref,
      namespace,
      family: pipeline.familySlug,
      image: settings.image,
      args: ['--stage', stage],
      resources: { gpu: cfg.resources.gpuCount, cpu: cfg.resources.cpu, memory: cfg.resources.memory },
      priority: cfg.priority ?? 'normal',
      callbackUrl: settings.callbackUrl,
      stageConfig: {
        ...(stageConfig ?? (await gpuStageConfig(pipeline, stage, attempt))),
        // Read only by the simulated trainer (server/cluster/sim/trainer/trainer-config.ts).
        ...(simulated && settings.simTrainerSeconds ? { simDurationSeconds: settings.simTrainerSeconds } : {}),
      },
    },
    {
      ...settings.cluster,
      // The simulator's nodes all carry one product label; a real cluster gets the GPU type asked for.
      ...(simulated ? {} : { nodeSelector: { 'nvidia.com/gpu.product': GPU_TYPES[cfg.resources.gpuType].product } }),
    },
  );
  if (simulated && settings.simFailStages.has(stage)) {
    job.spec!.template.metadata!.annotations = { ...job.spec!.template.metadata!.annotations, 'sim.neuroweaver.dev/fail': 'Error' };
  }
  // The Job's pods name a PriorityClass, which must exist before them (once per process and cluster).
  await ensureTrainingPriorityClasses(client);
  // Secret and Job together: the pod reads the Secret only when its container starts, and the transition
  // delay is what an operator waits for. The Secret has no owner (that would take a third request, after
  // the Job exists): it is deleted as soon as the attempt's Job finished (./watcher.ts), with the Job on a
  // cancel (deleteStageJob), and the watcher's reconcile removes any that a crash left behind.
  await Promise.all([client.apply(tokenSecret(ref, namespace)), client.apply(job)]);
  return names.job;
}

/**
 * For a re-delivered dispatch: whether the attempt's Job exists. One that is still running gets its token
 * Secret applied again (the same token: it is derived from the attempt), since a dispatch that died between
 * the two requests may have left the Job without it, and its pod would wait for the Secret forever.
 */
export async function ensureStageJob(ref: NextStage): Promise<boolean> {
  const { client, identity } = await getCluster();
  const job = await client.find<IJob>(Kinds.Job, trainingJobNames(ref).job);
  if (!job) return false;
  if (!jobFinished(job)) await client.apply(tokenSecret(ref, identity.namespace));
  return true;
}

/** The attempt's token Secret; the token is derived from the attempt, so applying it again changes nothing. */
function tokenSecret(ref: NextStage, namespace: string) {
  return buildJobTokenSecret({ ...ref, namespace, token: issueJobToken(ref) });
}

/** Deletes the token Secret of a stage attempt whose Job finished: the token is of no use any more. */
export async function deleteStageSecret(ref: TrainingJobRef): Promise<boolean> {
  const { client } = await getCluster();
  return client.delete(Kinds.Secret, trainingJobNames(ref).secret);
}

/** Deletes a stage attempt's Job and its pods (cancel, or a Job left over from an abandoned attempt). */
export async function deleteStageJob(ref: TrainingJobRef): Promise<boolean> {
  const { client } = await getCluster();
  const deleted = await client.delete(Kinds.Job, trainingJobNames(ref).job, { propagationPolicy: 'Background' });
  await deleteStageSecret(ref);
  return deleted;
}
