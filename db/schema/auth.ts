import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const roleEnum = pgEnum('role', ['admin', 'ml_engineer', 'product_manager', 'viewer']);
export type Role = (typeof roleEnum.enumValues)[number];
export const roles = roleEnum.enumValues;

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    role: roleEnum().notNull().default('viewer'),
    /** bcrypt hash; null for users who only sign in through OIDC. */
    passwordHash: text(),
    oidcSubject: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp({ withTimezone: true }),
    disabledAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email), uniqueIndex('users_oidc_subject_key').on(t.oidcSubject)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    /** The visible part of the key (`nw_xxxxxxxx`), shown in lists and used to find the row. */
    prefix: text().notNull(),
    /** sha256 of the whole key: keys are 190 random bits, so a fast hash is safe here (unlike passwords). */
    keyHash: text().notNull(),
    role: roleEnum().notNull(),
    createdById: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_prefix_key').on(t.prefix), index('api_keys_created_at_idx').on(t.createdAt)],
);
