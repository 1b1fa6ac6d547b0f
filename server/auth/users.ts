import { asc, eq } from 'drizzle-orm';
import { db } from '@/db/client';
import { type Role, users } from '@/db/schema/auth';
import { recordAudit } from '@/server/audit/service';
import { ConflictError, ForbiddenError, NotFoundError, uniqueViolation } from '@/server/errors';
import type { Actor, RequestMeta } from './actor';
import { hashPassword, verifyPassword } from './passwords';
import type { CreateUserInput, UpdateUserInput } from './schemas';

export type UserView = Omit<typeof users.$inferSelect, 'passwordHash'>;
const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  oidcSubject: users.oidcSubject,
  createdAt: users.createdAt,
  lastLoginAt: users.lastLoginAt,
  disabledAt: users.disabledAt,
};

export async function createUser(meta: RequestMeta, input: CreateUserInput): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name ?? input.email.split('@')[0], role: input.role, passwordHash })
        .returning(publicColumns);
      await recordAudit(tx, meta, { action: 'user.create', targetType: 'user', targetId: row.id, targetLabel: row.email, summary: { role: row.role } });
      return row;
    });
  } catch (error) {
    if (uniqueViolation(error)) throw new ConflictError(`A user with email ${input.email} already exists`, 'email');
    throw error;
  }
}

export function listUsers(): Promise<UserView[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.email));
}

export async function updateUser(meta: RequestMeta, input: UpdateUserInput): Promise<UserView> {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return db.transaction(async (tx) => {
    const [existing] = await tx.select(publicColumns).from(users).where(eq(users.id, input.id)).for('update');
    if (!existing) throw new NotFoundError(`User ${input.id} not found`, 'id');
    if (meta.actor.id === input.id && (input.disabled || (input.role && input.role !== 'admin'))) {
      throw new ForbiddenError('Admins cannot disable themselves or drop their own admin role', input.disabled ? 'disabled' : 'role');
    }
    const changes: Partial<typeof users.$inferInsert> = {};
    if (input.role) changes.role = input.role;
    if (input.disabled !== undefined) changes.disabledAt = input.disabled ? new Date() : null;
    if (passwordHash) changes.passwordHash = passwordHash;
    const [row] = await tx.update(users).set(changes).where(eq(users.id, input.id)).returning(publicColumns);
    await recordAudit(tx, meta, {
      action: 'user.update',
      targetType: 'user',
      targetId: row.id,
      targetLabel: row.email,
      summary: {
        ...(input.role && input.role !== existing.role ? { role: { from: existing.role, to: input.role } } : {}),
        ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
        ...(passwordHash ? { passwordChanged: true } : {}),
      },
    });
    return row;
  });
}

/** Checks an email and password; null for any failure so callers cannot tell which part was wrong. */
export async function verifyCredentials(email: string, password: string): Promise<UserView | null> {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  if (!row || !row.passwordHash || row.disabledAt) return null;
  if (!(await verifyPassword(password, row.passwordHash))) return null;
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, row.id));
  const { passwordHash: _hash, ...view } = row;
  return view;
}

/** Finds or creates the user behind an OIDC login; new users get the configured default role. */
export async function upsertOidcUser(profile: { subject: string; email: string; name?: string }, defaultRole: Role): Promise<UserView | null> {
  const email = profile.email.toLowerCase();
  return db.transaction(async (tx) => {
    const [bySubject] = await tx.select(publicColumns).from(users).where(eq(users.oidcSubject, profile.subject)).limit(1);
    const [byEmail] = bySubject ? [bySubject] : await tx.select(publicColumns).from(users).where(eq(users.email, email)).limit(1);
    if (byEmail) {
      if (byEmail.disabledAt) return null;
      const [row] = await tx.update(users).set({ oidcSubject: profile.subject, lastLoginAt: new Date() }).where(eq(users.id, byEmail.id)).returning(publicColumns);
      return row;
    }
    const [row] = await tx
      .insert(users)
      .values({ email, name: profile.name ?? email.split('@')[0], role: defaultRole, oidcSubject: profile.subject, lastLoginAt: new Date() })
      .returning(publicColumns);
    await recordAudit(tx, { actor: { type: 'system', id: null, label: 'oidc', role: 'admin' }, requestId: 'oidc-login' }, {
      action: 'user.create',
      targetType: 'user',
      targetId: row.id,
      targetLabel: row.email,
      summary: { role: row.role, via: 'oidc' },
    });
    return row;
  });
}

/** The actor for a session's user id, read fresh so role changes and disabling apply at once. */
export async function actorForUser(userId: string): Promise<Actor | null> {
  const [row] = await db.select({ id: users.id, email: users.email, role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId)).limit(1);
  if (!row || row.disabledAt) return null;
  return { type: 'user', id: row.id, label: row.email, role: row.role };
}
