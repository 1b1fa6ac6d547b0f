import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const actorTypeEnum = pgEnum('actor_type', ['user', 'api_key', 'system']);
export type ActorType = (typeof actorTypeEnum.enumValues)[number];

/**
 * Append-only: migration 0001 adds a trigger that rejects UPDATE, DELETE and TRUNCATE, so not even a bug
 * in the app (or a superuser connection) can rewrite history.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorType: actorTypeEnum().notNull(),
    actorId: text(),
    actorLabel: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    targetLabel: text(),
    summary: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    requestId: text(),
  },
  (t) => [
    index('audit_events_at_idx').on(t.at),
    index('audit_events_actor_idx').on(t.actorId, t.at),
    index('audit_events_action_idx').on(t.action, t.at),
    index('audit_events_target_idx').on(t.targetType, t.targetId, t.at),
  ],
);
