import { createHash } from 'node:crypto';
import { ValidationError } from '@/server/errors';
import type { PipelineConfig } from '../config';
import { resolveEvalPrompts } from '../prompts';
import { JudgeClient, type JudgeClientOptions, type JudgeEndpoint } from './client';
import { judgeIdentity, resolveJudgeEndpoint, SIMULATED_JUDGE_LABEL } from './endpoint';
import { judgeSamples, pairSamples, type Sample, type VerdictCache } from './judge';
import { estimateCostUsd } from './pricing';
import { rubricFor } from './rubrics';
import { assertSimulatedResponsesAllowed } from './simulated-responses-guard';
import { dbVerdictCache, finishFeedbackRun, saveJudgement, startFeedbackRun } from './store';
import { summarizeScores, type ScoreSummary } from './summary';

export interface FeedbackStageInput {
  pipelineId: string;
  config: Pick<PipelineConfig, 'specialization' | 'evalPrompts' | 'rlaif'>;
  /** The `generate` stage's responses; undefined → responses are simulated here (see simulateResponses). */
  samples: Array<{ prompt: string; response: string; category?: string; promptId?: string }> | undefined;
  /** Where the generate stage's artifact is (named when its responses.jsonl is missing). */
  artifactUri?: string | null;
  log: (line: string) => void | Promise<void>;
  /** Tests: a fixed endpoint, retry policy, sleep and cache. */
  endpoint?: JudgeEndpoint;
  clientOptions?: JudgeClientOptions;
  cache?: VerdictCache;
}

export interface FeedbackSummary extends ScoreSummary {
  judge: { model: string; baseUrl: string; simulated: boolean; label: string };
  mode: 'pointwise' | 'pairwise';
  samples: number;
  simulatedResponses: boolean;
  cacheHits: number;
  requests: number;
  retries: number;
  usage: { promptTokens: number; completionTokens: number };
  /** USD; null when the judge model has no known price. */
  estimatedCostUsd: number | null;
}

/**
 * The `feedback` stage: the LLM judge scores the policy's responses to the evaluation prompts (see
 * ./judge.ts for modes, cache and position-bias handling, ./client.ts for retries). Judgements are stored
 * per pipeline as they complete, the run summary (usage, cost, failures) at the end. Idempotent: a re-run
 * replaces the same rows and answers from the cache. Gives up (throws) when the judge stays unavailable,
 * or when no sample at all could be judged; malformed answers count as failed, never guessed.
 */
export async function runFeedbackStage(input: FeedbackStageInput): Promise<{ summary: FeedbackSummary }> {
  const { pipelineId, config, log } = input;
  const judgeCfg = config.rlaif.judge;
  const endpoint = input.endpoint ?? (await resolveJudgeEndpoint(judgeCfg));
  const label = endpoint.simulated ? SIMULATED_JUDGE_LABEL : `${endpoint.model} at ${endpoint.baseUrl}`;
  const rubric = rubricFor(config);
  let simulatedResponses = false;
  let samples: Sample[];
  if (input.samples) {
    samples = input.samples.map((s) => ({ prompt: s.prompt, response: s.response, category: s.category ?? 'custom', promptId: s.promptId ?? null }));
  } else {
    await assertSimulatedResponsesAllowed('feedback', 'responses.jsonl', input.artifactUri);
    simulatedResponses = true;
    await log('no responses from the generate stage: simulating the policy’s responses with the simulated model server');
    samples = await simulateResponses(pipelineId, config);
  }
  if (samples.length === 0) throw new ValidationError('feedback: there are no samples to judge', 'samples');
  if (judgeCfg.mode === 'pairwise' && pairSamples(samples).length === 0) {
    throw new ValidationError('feedback: pairwise judging needs at least two responses to the same prompt (raise rlaif.judge.samplesPerPrompt)', 'rlaif.judge.samplesPerPrompt');
  }
  await log(`judging ${samples.length} responses with ${label} (${judgeCfg.mode}, concurrency ${judgeCfg.concurrency})`);

  await startFeedbackRun({
    pipelineId, judgeModel: endpoint.model, judgeBaseUrl: endpoint.simulated ? 'simulated' : endpoint.baseUrl, simulated: endpoint.simulated,
    mode: judgeCfg.mode, rubricSha256: createHash('sha256').update(rubric).digest('hex'), samples: samples.length,
  });
  const client = new JudgeClient(endpoint, input.clientOptions);
  let done = 0;
  const result = await judgeSamples({
    client, judgeId: judgeIdentity(endpoint), rubric, mode: judgeCfg.mode, samples, concurrency: judgeCfg.concurrency, cache: input.cache ?? dbVerdictCache,
    onJudgement: async (j) => {
      await saveJudgement(pipelineId, j);
      done++;
      if (j.status === 'failed') await log(`judgement failed (${j.category}): ${j.error}`);
      else if (done % 10 === 0) await log(`${done} judged`);
    },
  }).catch(async (error) => {
    await finishFeedbackRun(pipelineId, { requests: client.stats.requests, retries: client.stats.retries, promptTokens: client.stats.promptTokens, completionTokens: client.stats.completionTokens });
    await log(`judge unavailable: ${(error as Error).message}`);
    throw error;
  });

  const scores = summarizeScores(result.judgements);
  const cost = estimateCostUsd(endpoint.model, client.stats.promptTokens, client.stats.completionTokens, endpoint.simulated);
  await finishFeedbackRun(pipelineId, {
    judged: scores.judged, failed: scores.failed, cacheHits: result.cacheHits, requests: client.stats.requests, retries: client.stats.retries,
    promptTokens: client.stats.promptTokens, completionTokens: client.stats.completionTokens, estimatedCostUsd: cost ?? 0, meanScore: scores.meanScore,
  });
  if (scores.judged === 0) throw new Error(`feedback: none of the ${result.judgements.length} judgements succeeded (${scores.failed} failed); see the log`);
  const summary: FeedbackSummary = {
    ...scores,
    judge: { model: endpoint.model, baseUrl: endpoint.simulated ? 'simulated' : endpoint.baseUrl, simulated: endpoint.simulated, label },
    mode: judgeCfg.mode, samples: samples.length, simulatedResponses, cacheHits: result.cacheHits, requests: client.stats.requests, retries: client.stats.retries,
    usage: { promptTokens: client.stats.promptTokens, completionTokens: client.stats.completionTokens }, estimatedCostUsd: cost,
  };
  await log(
    `judged ${scores.judged}, failed ${scores.failed}, mean score ${scores.meanScore ?? '–'}; ${client.stats.requests} requests, ${client.stats.retries} retries, ` +
      `${result.cacheHits} cache hits, ${client.stats.promptTokens + client.stats.completionTokens} tokens` + (cost === null ? ' (no price known for this model)' : `, ≈ $${cost.toFixed(4)}`),
  );
  return { summary };
}

/**
 * Responses for the evaluation prompts when the `generate` stage produced none (simulated cluster):
 * the simulated model server's answer generator (FIXTURE, server/cluster/sim/model-server/text.ts) answers
 * each prompt `samplesPerPrompt` times, one simulated policy per sample with slightly different quality.
 * Called directly rather than through the simulated server over HTTP: the same answers, without the requests.
 */
export async function simulateResponses(pipelineId: string, config: Pick<PipelineConfig, 'evalPrompts' | 'rlaif'>): Promise<Sample[]> {
  const { generateAnswer } = await import('@/server/cluster/sim/model-server/text');
  const prompts = resolveEvalPrompts(config);
  const k = Math.max(config.rlaif.judge.mode === 'pairwise' ? 2 : 1, config.rlaif.judge.samplesPerPrompt);
  const out: Sample[] = [];
  for (let i = 0; i < k; i++) {
    const model = `policy-${pipelineId.slice(0, 8)}-s${i + 1}`;
    const quality = Math.min(0.95, 0.55 + 0.12 * i);
    prompts.forEach((p) => out.push({ promptId: `${p.id}#${i + 1}`, category: p.category, prompt: p.prompt, response: generateAnswer(p.prompt, model, quality) }));
  }
  return out;
}
