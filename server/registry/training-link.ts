import { eq } from 'drizzle-orm';
import { db, type DbOrTx } from '@/db/client';
import { modelFamilies, modelVersions } from '@/db/schema/registry';

/**
 * The version a training pipeline registered, if any (`trainingJobId` = pipeline id). The training
 * domain checks it before registering so a register stage that runs twice never makes two versions.
 */
export async function findVersionByTrainingJob(trainingJobId: string, tx: DbOrTx = db): Promise<{ id: string; version: string; familySlug: string } | null> {
  const [row] = await tx
    .select({ id: modelVersions.id, version: modelVersions.version, familySlug: modelFamilies.slug })
    .from(modelVersions)
    .innerJoin(modelFamilies, eq(modelFamilies.id, modelVersions.familyId))
    .where(eq(modelVersions.trainingJobId, trainingJobId))
    .limit(1);
  return row ?? null;
}
