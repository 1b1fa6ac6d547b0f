import { sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { compareMetrics, compatibility, diffConfig } from './compare-logic';
import { resolveFamily, resolveVersion, type VersionRow } from './refs';
import type { CompareInput } from './schemas';

const MAX_CHAIN = 50;

/** Parent chain, nearest first, in one recursive query. */
async function parentChain(version: VersionRow): Promise<{ id: string; version: string; status: string }[]> {
  if (!version.parentId) return [];
  const result = await db.execute<{ id: string; version: string; status: string }>(sql`
    with recursive chain(id, version, status, parent_id, depth) as (
      select id, version, status, parent_id, 1 from model_versions where id = ${version.parentId}
      union all
      select v.id, v.version, v.status, v.parent_id, c.depth + 1
      from model_versions v join chain c on v.id = c.parent_id
      where c.depth < ${MAX_CHAIN}
    )
    select id, version, status from chain order by depth`);
  return result.rows;
}

async function load(ref: { model: string; version: string }, field: 'a' | 'b') {
  const family = await resolveFamily(db, ref.model, { field: `${field}.model` });
  const version = await resolveVersion(db, family, ref.version, `${field}.version`);
  return { family, version };
}

function summary(side: Awaited<ReturnType<typeof load>>, chain: Awaited<ReturnType<typeof parentChain>>) {
  const { family, version } = side;
  return {
    model: { id: family.id, slug: family.slug, displayName: family.displayName },
    id: version.id,
    version: version.version,
    status: version.status,
    baseModel: version.baseModel,
    createdAt: version.createdAt,
    createdBy: version.createdByLabel,
    lineage: {
      parents: chain,
      baseModel: version.baseModel,
      dataset: version.lineage.datasetUri ?? null,
      trainingJobId: version.trainingJobId,
      pipelineId: version.lineage.pipelineId ?? null,
    },
  };
}

/** Side-by-side comparison of two versions, possibly of different families. */
export async function compareVersions(input: CompareInput) {
  const [a, b] = await Promise.all([load(input.a, 'a'), load(input.b, 'b')]);
  const [chainA, chainB] = await Promise.all([parentChain(a.version), parentChain(b.version)]);
  return {
    a: summary(a, chainA),
    b: summary(b, chainB),
    metrics: compareMetrics(a.version, b.version),
    configDiff: diffConfig(a.version.config, b.version.config),
    compatibility: compatibility(a.version, b.version),
  };
}
