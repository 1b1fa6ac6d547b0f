import { and, desc, eq, sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { trainingMetrics, trainingStages } from '@/db/schema/training';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError, NotFoundError } from '@/server/errors';
import { createFamily, getFamily } from '@/server/registry/families';
import { findVersionByTrainingJob } from '@/server/registry/training-link';
import { bumpVersion } from '@/server/registry/versioning';
import { bumpFamilyVersion, createVersion } from '@/server/registry/versions';
import { BASE_MODELS } from './base-models';
import type { PipelineConfig } from './config';
import type { WinRateSummary } from './judge/win-rate-stage';
import type { PipelineRow } from './transitions';

const METRIC_NAME = /^[A-Za-z0-9_.\-/]{1,64}$/;

/** Latest value of every metric each stage reported (its final metrics). */
export async function finalMetrics(pipelineId: string): Promise<Record<string, Record<string, number>>> {
  const rows = await db
    .selectDistinctOn([trainingMetrics.stage, trainingMetrics.name], { stage: trainingMetrics.stage, name: trainingMetrics.name, value: trainingMetrics.value })
    .from(trainingMetrics)
    .where(eq(trainingMetrics.pipelineId, pipelineId))
    .orderBy(trainingMetrics.stage, trainingMetrics.name, desc(trainingMetrics.attempt), desc(trainingMetrics.step), desc(trainingMetrics.id));
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.stage] ??= {})[r.name] = r.value;
  return out;
}

/** The family the run registers under, created now when the config asked for a new one. */
async function ensureFamily(meta: RequestMeta, cfg: PipelineConfig): Promise<string> {
  if (cfg.family.mode === 'existing') return cfg.family.ref;
  const { slug, displayName, description } = cfg.family;
  try {
    await getFamily(slug);
    return slug;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  try {
    await createFamily(meta, { slug, displayName, description, baseModel: BASE_MODELS[cfg.baseModel].hfId, specialization: cfg.specialization });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error; // created meanwhile: fine
  }
  return slug;
}

/**
 * The `register` stage: a new version in the registry (bump level from the config; the family's first
 * version is the bump from 0.0.0), with metrics, config, lineage and the artifact. Exactly once: an
 * advisory lock per pipeline serialises concurrent runs of this stage and the version is looked up by
 * its trainingJobId (= pipeline id) first, so a worker killed after the registry committed finds its
 * version on the retry instead of making a second one.
 */
export async function runRegisterStage(meta: RequestMeta, pipeline: PipelineRow, log: (line: string) => Promise<void>): Promise<Record<string, unknown>> {
  const cfg = pipeline.config as unknown as PipelineConfig;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`training-register:${pipeline.id}`}))`);
    const existing = await findVersionByTrainingJob(pipeline.id);
    if (existing) {
      await log(`[neuroweaver] version ${existing.familySlug}@${existing.version} was already registered by this pipeline`);
      return { versionId: existing.id, version: existing.version, family: existing.familySlug };
    }
    const stages = Object.fromEntries(
      (await tx.select().from(trainingStages).where(and(eq(trainingStages.pipelineId, pipeline.id)))).map((s) => [s.stage, s]),
    );
    const succeeded = (s: string) => stages[s]?.status === 'succeeded';
    const modelStage = succeeded('ppo') ? 'ppo' : 'sft';
    const artifact = (stages[modelStage]?.result as { artifact?: { uri?: string; sha256?: string } } | undefined)?.artifact ?? {};
    const prepared = (stages.prepare?.result ?? {}) as { datasetUri?: string; datasetSha256?: string };
    const finals = await finalMetrics(pipeline.id);
    const metrics: Record<string, number> = {};
    const put = (name: string, value: number | undefined) => {
      if (value !== undefined && Number.isFinite(value) && METRIC_NAME.test(name)) metrics[name] = value;
    };
    for (const [name, value] of Object.entries(finals.evaluate ?? {})) put(name, value);
    put('train_loss', finals.sft?.loss);
    put('reward', finals[modelStage === 'ppo' ? 'ppo' : 'evaluate']?.reward);
    put('kl', modelStage === 'ppo' ? finals.ppo?.kl : undefined);
    const judge = (stages.feedback?.result as { summary?: { meanScore?: number } } | undefined)?.summary;
    put('judge_mean_score', judge?.meanScore);
    // judge_win_rate came with the evaluate metrics above; which version it was measured against goes into the config.
    const winRate = (stages.evaluate?.result as { winRate?: WinRateSummary } | undefined)?.winRate;

    const family = await ensureFamily(meta, cfg);
    const overrides = {
      baseModel: BASE_MODELS[cfg.baseModel].hfId,
      ...(artifact.uri && /^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(artifact.uri) ? { artifactUri: artifact.uri } : {}),
      ...(artifact.sha256 && /^[a-f0-9]{64}$/.test(artifact.sha256) ? { artifactSha256: artifact.sha256 } : {}),
      trainingJobId: pipeline.id,
      lineage: {
        pipelineId: pipeline.id,
        ...(prepared.datasetUri ? { datasetUri: prepared.datasetUri.slice(0, 2048) } : {}),
        ...(prepared.datasetSha256 && /^[a-f0-9]{64}$/.test(prepared.datasetSha256) ? { datasetSha256: prepared.datasetSha256 } : {}),
      },
      config: {
        training: cfg, trainedStage: modelStage, ...(pipeline.fallbackReason ? { rlaifFallback: pipeline.fallbackReason } : {}),
        ...(winRate ? { judgeWinRate: { against: winRate.parentVersion, wins: winRate.wins, ties: winRate.ties, losses: winRate.losses, failed: winRate.failed, simulatedResponses: winRate.simulatedResponses, ...(winRate.reason ? { reason: winRate.reason } : {}) } } : {}),
      },
      metrics,
      tags: [cfg.rlaif.enabled ? (pipeline.fallbackReason ? 'rlaif-fallback' : 'rlaif') : 'sft', cfg.specialization.replaceAll('_', '-')],
      notes: pipeline.fallbackReason ? `Registered from the SFT model: ${pipeline.fallbackReason}` : `Trained by pipeline ${pipeline.id}`,
    };
    let view;
    for (let tries = 1; ; tries++) {
      try {
        view = await bumpFamilyVersion(meta, family, { level: cfg.bump, ...overrides });
        break;
      } catch (error) {
        // That number was taken meanwhile (bumps of a family take turns, so by a version created with an
        // explicit number): bump again from the new latest.
        if (error instanceof ConflictError && tries < 20) {
          await new Promise((r) => setTimeout(r, Math.random() * 50 * tries));
          continue;
        }
        // A family without versions: its first version is the bump from 0.0.0.
        if (!(error instanceof Error) || !/has no versions/.test(error.message)) throw error;
        try {
          view = await createVersion(meta, family, { version: bumpVersion('0.0.0', cfg.bump, 'rc'), ...overrides });
          break;
        } catch (again) {
          if (again instanceof ConflictError && tries < 20) continue;
          throw again;
        }
      }
    }
    await log(`[neuroweaver] registered ${family}@${view.version}${pipeline.fallbackReason ? ' (RLAIF fallback: SFT model)' : ''}`);
    if (winRate?.parentVersion && view.parentVersion !== winRate.parentVersion) {
      await log(`[neuroweaver] note: the win rate was judged against ${winRate.parentVersion}; ${view.parentVersion ?? 'another version'} was registered meanwhile and is the parent`);
    }
    return { versionId: view.id, version: view.version, family, modelStage };
  });
}
