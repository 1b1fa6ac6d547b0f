import { and, desc, eq, ne } from 'drizzle-orm';
import { db, type DbOrTx } from '@/db/client';
import { type DeploymentActionKind, deploymentActions, type DeploymentEnvironment, deployments } from '@/db/schema/deployments';
import { resolveFamily } from '@/server/registry/refs';
import { ConflictError, NotFoundError } from '@/server/errors';
import type { DeploymentTarget } from './manifests';

export type DeploymentRow = typeof deployments.$inferSelect;

export function targetOf(row: Pick<DeploymentRow, 'familySlug' | 'environment' | 'name' | 'namespace'>): DeploymentTarget {
  return { familySlug: row.familySlug, environment: row.environment, name: row.name, namespace: row.namespace };
}

/** The live (not removed) deployment of a family in an environment, row-locked when `lock`. */
export async function findLive(tx: DbOrTx, familyId: string, environment: DeploymentEnvironment, opts: { lock?: boolean } = {}): Promise<DeploymentRow | undefined> {
  const q = tx
    .select()
    .from(deployments)
    .where(and(eq(deployments.familyId, familyId), eq(deployments.environment, environment), ne(deployments.status, 'removed')))
    .limit(1);
  const [row] = opts.lock ? await q.for('update') : await q;
  return row;
}

/** Like findLive, but by model reference, and a 404 naming the environment when nothing is deployed. */
export async function requireLive(tx: DbOrTx, familyRef: string, environment: DeploymentEnvironment, opts: { lock?: boolean } = {}): Promise<DeploymentRow> {
  const family = await resolveFamily(tx, familyRef);
  const row = await findLive(tx, family.id, environment, opts);
  if (!row) throw new NotFoundError(`Model "${family.slug}" is not deployed to ${environment}`, 'environment');
  return row;
}

export function assertNotUndeploying(row: DeploymentRow) {
  if (row.status === 'undeploying') throw new ConflictError(`${row.familySlug} (${row.environment}) is being undeployed`, 'environment');
}

export async function getById(id: string, tx: DbOrTx = db): Promise<DeploymentRow> {
  const [row] = await tx.select().from(deployments).where(eq(deployments.id, id)).limit(1);
  if (!row) throw new NotFoundError(`Deployment ${id} not found`, 'id');
  return row;
}

export interface ActionEntry {
  kind: DeploymentActionKind;
  actorLabel: string;
  message: string;
  automatic?: boolean;
  severity?: 'info' | 'warning' | 'alert';
  details?: Record<string, unknown>;
}

export async function recordAction(tx: DbOrTx, deploymentId: string, entry: ActionEntry) {
  await tx.insert(deploymentActions).values({
    deploymentId,
    kind: entry.kind,
    actorLabel: entry.actorLabel,
    message: entry.message,
    automatic: entry.automatic ?? false,
    severity: entry.severity ?? 'info',
    details: entry.details ?? {},
  });
}

export function listActions(deploymentId: string, limit = 50) {
  return db.select().from(deploymentActions).where(eq(deploymentActions.deploymentId, deploymentId)).orderBy(desc(deploymentActions.id)).limit(limit);
}
