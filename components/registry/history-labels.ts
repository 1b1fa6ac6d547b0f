import type { HistoryEvent, HistoryKind } from './types';

export type EventTone = 'created' | 'promoted' | 'demoted' | 'rollback' | 'requested' | 'rejected' | 'archived' | 'neutral';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const v = (s: string) => (s.startsWith('v') ? s : `v${s}`);

/** One sentence per history event, written from the point of view of the version it belongs to. */
export function describeEvent(e: HistoryEvent): { title: string; tone: EventTone } {
  const d = e.details ?? {};
  const from = str(d.from) ?? e.previousVersion;
  switch (e.kind) {
    case 'created': {
      const parent = str(d.parent);
      if (d.via === 'bump') return { title: `Registered by ${str(d.level) ?? ''} bump${parent ? ` from ${v(parent)}` : ''}`.replace('  ', ' '), tone: 'created' };
      return { title: parent ? `Registered from ${v(parent)}` : 'Registered', tone: 'created' };
    }
    case 'promoted':
      return { title: `Promoted to ${e.stage ?? 'a stage'}${from ? ` (replacing ${v(from)})` : ''}`, tone: 'promoted' };
    case 'demoted':
      return { title: `Left ${e.stage ?? 'its stage'}`, tone: 'demoted' };
    case 'rolled_back':
      return { title: `Production rolled back to this version${from ? ` from ${v(from)}` : ''}`, tone: 'rollback' };
    case 'rollback_requested':
      return { title: `Rollback to this version requested${from ? ` (production is ${v(from)})` : ''}`, tone: 'requested' };
    case 'rollback_rejected':
      return { title: 'Rollback to this version rejected', tone: 'rejected' };
    case 'promotion_requested':
      return { title: `Promotion to production requested${from ? ` (production is ${v(from)})` : ''}`, tone: 'requested' };
    case 'promotion_rejected':
      return { title: 'Promotion to production rejected', tone: 'rejected' };
    case 'archived':
      return { title: 'Archived', tone: 'archived' };
    case 'deployed':
      return { title: `Deployed${e.stage ? ` (${e.stage})` : ''}`, tone: 'neutral' };
    default:
      return { title: String(e.kind satisfies HistoryKind).replace(/_/g, ' '), tone: 'neutral' };
  }
}

/** Extra people named in an event's details (the approver of a rollback, the original requester). */
export function eventPeople(e: HistoryEvent): string | null {
  const d = e.details ?? {};
  const parts: string[] = [];
  if (str(d.requestedBy) && e.kind !== 'rollback_requested' && e.kind !== 'promotion_requested') parts.push(`requested by ${d.requestedBy}`);
  if (str(d.approvedBy)) parts.push(`approved by ${d.approvedBy}`);
  if (str(d.decisionReason)) parts.push(`“${d.decisionReason}”`);
  return parts.length ? parts.join(' · ') : null;
}
