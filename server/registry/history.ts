import { desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { db, type DbOrTx } from '@/db/client';
import { type HistoryKind, modelHistory, modelVersions, type VersionStatus } from '@/db/schema/registry';
import type { RequestMeta } from '@/server/auth/actor';
import { resolveFamily } from './refs';

export interface HistoryEntry {
  familyId: string;
  kind: HistoryKind;
  versionId?: string | null;
  previousVersionId?: string | null;
  stage?: VersionStatus | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export async function recordHistory(tx: DbOrTx, meta: RequestMeta, entry: HistoryEntry) {
  await tx.insert(modelHistory).values({
    familyId: entry.familyId,
    kind: entry.kind,
    versionId: entry.versionId ?? null,
    previousVersionId: entry.previousVersionId ?? null,
    stage: entry.stage ?? null,
    actorId: meta.actor.id,
    actorLabel: meta.actor.label,
    reason: entry.reason ?? null,
    details: entry.details ?? {},
  });
}

const version = alias(modelVersions, 'history_version');
const previous = alias(modelVersions, 'history_previous');

/** A family's timeline, newest first. */
export async function listHistory(familyRef: string, limit: number) {
  const family = await resolveFamily(db, familyRef);
  return db
    .select({
      id: modelHistory.id,
      kind: modelHistory.kind,
      version: version.version,
      previousVersion: previous.version,
      stage: modelHistory.stage,
      actor: modelHistory.actorLabel,
      reason: modelHistory.reason,
      details: modelHistory.details,
      at: modelHistory.at,
    })
    .from(modelHistory)
    .leftJoin(version, eq(version.id, modelHistory.versionId))
    .leftJoin(previous, eq(previous.id, modelHistory.previousVersionId))
    .where(eq(modelHistory.familyId, family.id))
    .orderBy(desc(modelHistory.id))
    .limit(limit);
}
