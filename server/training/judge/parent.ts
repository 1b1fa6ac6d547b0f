import { latestVersionOf } from '@/server/registry/versions';
import type { WinRateParentSnapshot } from '@/db/schema/training-win-rate';
import type { PipelineConfig } from '../config';

/**
 * The parent version a pipeline's model is judged against: the family's latest version by semver
 * precedence — exactly the version `register` bumps from and inherits from (bumpFamilyVersion without
 * `from`, ../register-stage.ts). A family that does not exist yet (config `family.mode: "new"`) or has no
 * version has no parent. Read through the registry's service, never its tables.
 */
export interface ParentVersion {
  versionId: string;
  version: string;
  snapshot: WinRateParentSnapshot;
}

/** The family slug or id the pipeline registers into. */
export const familyRefOf = (cfg: Pick<PipelineConfig, 'family'>) => (cfg.family.mode === 'existing' ? cfg.family.ref : cfg.family.slug);

export function resolveParentVersion(cfg: Pick<PipelineConfig, 'family'>): Promise<ParentVersion | null> {
  return parentVersionOf(familyRefOf(cfg));
}

/** The same for a family named by its id or slug. */
export async function parentVersionOf(familyRef: string): Promise<ParentVersion | null> {
  const latest = await latestVersionOf(familyRef);
  if (!latest) return null;
  const lineage = (latest.lineage ?? {}) as { pipelineId?: string };
  const config = (latest.config ?? {}) as { trainedStage?: unknown };
  return {
    versionId: latest.id,
    version: latest.version,
    snapshot: {
      artifactUri: latest.artifactUri ?? null,
      artifactSha256: latest.artifactSha256 ?? null,
      metrics: (latest.metrics ?? {}) as Record<string, number>,
      pipelineId: lineage.pipelineId ?? null,
      trainedStage: typeof config.trainedStage === 'string' ? config.trainedStage : null,
    },
  };
}

export const noParentReason = (family: string) => `no parent version: this is the first version of "${family}", so there is nothing to compare against`;
