import { eq, sql } from 'drizzle-orm';
import { closeDb, db } from '@/db/client';
import { closeQueues } from '@/server/queue/factory';
import { closeRedis } from '@/server/queue/redis';
import { users } from '@/db/schema/auth';
import { modelFamilies } from '@/db/schema/registry';
import type { Actor, RequestMeta } from '@/server/auth/actor';
import { createUser } from '@/server/auth/users';
import { getEnvOrExit } from '@/server/env';
import { approveApproval, requestRollback } from '@/server/registry/approvals';
import { createFamily } from '@/server/registry/families';
import { archiveVersion, promoteVersion } from '@/server/registry/promotion';
import { createVersion } from '@/server/registry/versions';
import { seedAbTests } from './seed-ab';
import { demoFamilies, demoUsers, type SeedFamily } from './seed-data';

const seedMeta = (actor: Actor): RequestMeta => ({ actor, requestId: 'demo-seed' });

async function ensureUsers(): Promise<Record<string, Actor>> {
  const out: Record<string, Actor> = {};
  const system = seedMeta({ type: 'system', id: null, label: 'seed', role: 'admin' });
  for (const u of demoUsers) {
    let [row] = await db.select().from(users).where(eq(users.email, u.email));
    if (!row) {
      await createUser(system, u);
      [row] = await db.select().from(users).where(eq(users.email, u.email));
    }
    out[u.email] = { type: 'user', id: row.id, label: row.email, role: row.role };
  }
  return out;
}

async function seedFamily(family: SeedFamily, actors: Record<string, Actor>) {
  const engineer = seedMeta(actors['ml@neuroweaver.dev']);
  const admin = seedMeta(actors['admin@neuroweaver.dev']);
  const admin2 = seedMeta(actors['admin2@neuroweaver.dev']);
  const { steps, ...input } = family;
  await createFamily(engineer, input);
  for (const step of steps) {
    if ('create' in step) {
      await createVersion(engineer, family.slug, {
        version: step.create,
        parent: step.parent,
        metrics: step.metrics,
        config: step.config,
        baseModel: step.baseModel,
        notes: step.notes,
        tags: step.tags,
        lineage: step.dataset ? { datasetUri: step.dataset } : undefined,
        artifactUri: `s3://neuroweaver-artifacts/${family.slug}/${step.create}/adapter.safetensors`,
      });
    } else if ('promote' in step) {
      await promoteVersion(step.stage === 'production' ? admin : engineer, family.slug, step.promote, { stage: step.stage, reason: step.reason });
    } else if ('archive' in step) {
      await archiveVersion(engineer, family.slug, step.archive, step.reason);
    } else {
      const request = await requestRollback(engineer, family.slug, { toVersion: step.rollback, reason: step.reason });
      if (step.approve) await approveApproval(admin2, request.id, 'confirmed with support metrics');
    }
  }
  // Spread the demo history over the past weeks so the timeline reads like a real one.
  await db.execute(sql`
    with ordered as (
      select id, row_number() over (order by id desc) - 1 as age from model_history
      where family_id = (select id from model_families where slug = ${family.slug})
    )
    update model_history h set at = now() - (ordered.age * interval '37 hours') from ordered where h.id = ordered.id`);
  await db.execute(sql`
    update model_versions v set created_at = h.at from model_history h
    where h.version_id = v.id and h.kind = 'created' and v.family_id = (select id from model_families where slug = ${family.slug})`);
  await db.execute(sql`
    update model_families f set created_at = coalesce((select min(at) from model_history h where h.family_id = f.id), f.created_at),
      updated_at = coalesce((select max(at) from model_history h where h.family_id = f.id), f.updated_at)
    where f.slug = ${family.slug}`);
}

export async function seedDemo() {
  const actors = await ensureUsers();
  const created: string[] = [];
  for (const family of demoFamilies) {
    const [exists] = await db.select({ id: modelFamilies.id }).from(modelFamilies).where(eq(modelFamilies.slug, family.slug));
    if (exists) continue;
    await seedFamily(family, actors);
    created.push(family.slug);
  }
  created.push(...(await seedAbTests(seedMeta(actors['pm@neuroweaver.dev']))));
  return created;
}

if (require.main === module) {
  getEnvOrExit();
  seedDemo()
    .then((created) => {
      console.log(created.length ? `demo seed: created ${created.join(', ')}` : 'demo seed: already present');
      console.log('demo users (email / password / role):');
      for (const u of demoUsers) console.log(`  ${u.email.padEnd(26)} ${u.password.padEnd(22)} ${u.role}`);
    })
    .catch((error: Error) => {
      console.error(`seed failed: ${error.message}`);
      process.exitCode = 1;
    })
    // Promotions announce alias moves on the deployments queue: close that Redis connection too.
    .finally(() => Promise.all([closeDb(), closeQueues().then(() => closeRedis())]));
}
