import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from 'drizzle-orm';
import { db, type DbOrTx } from '@/db/client';
import { auditEvents } from '@/db/schema/audit';
import type { RequestMeta } from '@/server/auth/actor';
import type { AuditQuery } from './schemas';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  targetLabel?: string | null;
  summary?: Record<string, unknown>;
}

/** Appends one audit event. Call it inside the mutation's transaction so both land or neither does. */
export async function recordAudit(tx: DbOrTx, meta: RequestMeta, entry: AuditEntry) {
  await tx.insert(auditEvents).values({
    actorType: meta.actor.type,
    actorId: meta.actor.id,
    actorLabel: meta.actor.label,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? null,
    summary: entry.summary ?? {},
    requestId: meta.requestId,
  });
}

export async function listAuditEvents(query: AuditQuery) {
  const where: SQL[] = [];
  if (query.actor) where.push(or(eq(auditEvents.actorId, query.actor), ilike(auditEvents.actorLabel, `%${escapeLike(query.actor)}%`))!);
  if (query.action) where.push(ilike(auditEvents.action, `${escapeLike(query.action)}%`));
  if (query.targetType) where.push(eq(auditEvents.targetType, query.targetType));
  if (query.target) where.push(or(eq(auditEvents.targetId, query.target), ilike(auditEvents.targetLabel, `%${escapeLike(query.target)}%`))!);
  if (query.from) where.push(gte(auditEvents.at, new Date(query.from)));
  if (query.to) where.push(lte(auditEvents.at, new Date(query.to)));
  if (query.cursor) where.push(lt(auditEvents.id, query.cursor));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return { items: page, nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
