import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { db } from '@/db/client';
import { apiKeys } from '@/db/schema/auth';
import { recordAudit } from '@/server/audit/service';
import { ConflictError, NotFoundError } from '@/server/errors';
import type { Actor, RequestMeta } from './actor';
import type { CreateApiKeyInput } from './schemas';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * Verified keys are remembered briefly so hot machine paths (A/B assignment, ingestion) skip a database
 * round trip per request. Revocation clears this process's entry at once; other processes (web, API
 * server) stop accepting a revoked key within the TTL.
 */
export const API_KEY_CACHE_TTL_MS = 10_000;
const MAX_CACHED_KEYS = 10_000;
const verified = new Map<string, { actor: Actor; keyId: string; until: number }>();

function randomBase62(length: number) {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length; i++) {
    const b = bytes[i % bytes.length];
    if (b < 248) out += BASE62[b % 62]; // 248 = 4·62: rejection sampling keeps every character equally likely
    if (i > bytes.length * 4) throw new Error('random source exhausted');
  }
  return out;
}

// The one-shot hash: a third of createHash's cost, and every API request with a key pays it.
const sha256 = (s: string) => hash('sha256', s, 'hex');

/** Key format: `nw_<8-char visible prefix>_<32 secret chars>`; only the hash is stored. */
const PREFIX_CHARS = 8;
const SECRET_CHARS = 32;
const API_KEY_LENGTH = 'nw_'.length + PREFIX_CHARS + '_'.length + SECRET_CHARS;
const API_KEY_FORMAT = new RegExp(`^nw_([A-Za-z0-9]{${PREFIX_CHARS}})_([A-Za-z0-9]{${SECRET_CHARS}})$`);

export function parseApiKey(raw: string): { prefix: string } | null {
  const m = API_KEY_FORMAT.exec(raw);
  return m ? { prefix: `nw_${m[1]}` } : null;
}

export type ApiKeyView = Omit<typeof apiKeys.$inferSelect, 'keyHash'>;
const publicColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  role: apiKeys.role,
  createdById: apiKeys.createdById,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** Creates a key and returns it in full: the only time it is ever visible. */
export async function createApiKey(meta: RequestMeta, input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKeyView }> {
  const prefix = `nw_${randomBase62(PREFIX_CHARS)}`;
  const key = `${prefix}_${randomBase62(SECRET_CHARS)}`;
  const apiKey = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name: input.name, prefix, keyHash: sha256(key), role: input.role, createdById: meta.actor.type === 'user' ? meta.actor.id : null })
      .returning(publicColumns);
    await recordAudit(tx, meta, { action: 'api_key.create', targetType: 'api_key', targetId: row.id, targetLabel: `${prefix} (${input.name})`, summary: { name: input.name, role: input.role } });
    return row;
  });
  return { key, apiKey };
}

export function listApiKeys(): Promise<ApiKeyView[]> {
  return db.select(publicColumns).from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(meta: RequestMeta, id: string): Promise<ApiKeyView> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select(publicColumns).from(apiKeys).where(eq(apiKeys.id, id)).for('update');
    if (!existing) throw new NotFoundError(`API key ${id} not found`, 'id');
    if (existing.revokedAt) throw new ConflictError(`API key ${existing.prefix} is already revoked`, 'id');
    const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning(publicColumns);
    for (const [hash, entry] of verified) if (entry.keyId === id) verified.delete(hash);
    await recordAudit(tx, meta, { action: 'api_key.revoke', targetType: 'api_key', targetId: id, targetLabel: `${existing.prefix} (${existing.name})` });
    return row;
  });
}

/** Resolves a bearer key to its actor, or null for unknown, malformed or revoked keys. */
export async function authenticateApiKey(raw: string): Promise<Actor | null> {
  // Every key has this length: longer junk is refused before it costs a hash.
  if (raw.length !== API_KEY_LENGTH) return null;
  // Only keys that parsed and matched their row are cached (by hash), so a hit needs no parsing.
  const hash = sha256(raw);
  const cached = verified.get(hash);
  if (cached && cached.until > Date.now()) return cached.actor;
  const parsed = parseApiKey(raw);
  if (!parsed) return null;
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, parsed.prefix)).limit(1);
  if (!row || row.revokedAt) return null;
  const expected = Buffer.from(row.keyHash, 'hex');
  const actual = Buffer.from(hash, 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // At most one write a minute per key, and only if nobody else wrote it meanwhile.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now - LAST_USED_RESOLUTION_MS)))));
  }
  const actor: Actor = { type: 'api_key', id: row.id, label: `key ${row.prefix} (${row.name})`, role: row.role };
  if (verified.size >= MAX_CACHED_KEYS) verified.clear();
  verified.set(hash, { actor, keyId: row.id, until: now + API_KEY_CACHE_TTL_MS });
  return actor;
}
