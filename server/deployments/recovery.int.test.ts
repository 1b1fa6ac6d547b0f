import { and, eq } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { auditEvents } from '@/db/schema/audit';
import { modelHistory } from '@/db/schema/registry';
import { type Actor, systemActor } from '@/server/auth/actor';
import { joinTestSimulator } from '@/server/cluster/overview/testing';
import type { Simulator } from '@/server/cluster/sim';
import { fastOptions } from '@/server/cluster/sim/testing/fast-options';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { closeQueues } from '@/server/queue/factory';
import { createFamily, getFamilyDetail } from '@/server/registry/families';
import { promoteVersion } from '@/server/registry/promotion';
import { createVersion } from '@/server/registry/versions';
import { meta, testUser, uniqueSlug } from '@/test/fixtures';
import { deploymentsProcessor } from '@/workers/processors/deployments';
import { closeWorkers, register } from '@/workers/register';
import { deployModel } from './deploy';
import { runHealthRound } from './health/monitor';
import { describeDeployment } from './status';
import { undeployModel } from './undeploy';

/*
 * Automatic rollback in production: the registry promoted a version, production rolled to it, it turned
 * unhealthy within M minutes; the monitor rolls back and moves the production alias back with it.
 */

let sim: Simulator;
let stopSim: () => Promise<void>;
let admin: Actor;

const small = { gpu: 0, cpu: '1', memory: '2Gi' };
const system = { actor: systemActor, requestId: 'test-recovery' };

beforeAll(async () => {
  ({ sim, stop: stopSim } = await joinTestSimulator(fastOptions({ timings: { readyDelayMs: 300 } })));
  admin = await testUser('admin');
}, 60_000);

afterAll(async () => {
  await closeWorkers();
  await closeQueues();
  await stopSim?.();
});

const ready = (id: string, version: string) =>
  waitFor(`a ready replica of ${version}`, async () => {
    const d = await describeDeployment(id);
    const r = d.cluster?.rollout;
    return r && !r.inProgress && r.ready === 1 && r.serving === version && d.cluster!.pods.length === 1 ? d : null;
  }, 20_000, 50);

describe('automatic rollback in production', () => {
  it('rolls a bad promoted version back, moves the production alias back, and records both as automatic', async () => {
    let worker: Worker | undefined;
    try {
      // Redeploys after alias moves run on the deployments queue.
      worker = register('deployments', deploymentsProcessor, { concurrency: 1 });
      const family = await createFamily(meta(admin), { slug: uniqueSlug('rb'), displayName: 'Rollback test', baseModel: 'microsoft/DialoGPT-medium', specialization: 'sales_assistant' });
      for (const v of ['1.0.0', '2.0.0']) await createVersion(meta(admin), family.slug, { version: v, metrics: { accuracy: 0.8 } });
      await promoteVersion(meta(admin), family.slug, '1.0.0', { stage: 'production' });
      const d = await deployModel(meta(admin), family.slug, { environment: 'production', replicas: 1, resources: small, recovery: { restartAfterFailures: 2, rollbackWindowMinutes: 10 } });
      expect(d.version).toBe('1.0.0');
      await ready(d.id, '1.0.0');

      await promoteVersion(meta(admin), family.slug, '2.0.0', { stage: 'production' });
      await ready(d.id, '2.0.0');
      expect((await getFamilyDetail(family.id)).aliases.production?.version).toBe('2.0.0');

      // 2.0.0 turns bad: every chat completion fails.
      sim.settings.update({ modelErrorRate: 1 });
      let rolledBack;
      try {
        rolledBack = await waitFor('an automatic rollback', async () => {
          await runHealthRound(system); // null when a scheduled round of the worker is running: poll again
          return (await describeDeployment(d.id)).actions.find((a) => a.kind === 'rolled_back');
        }, 20_000, 50);
      } finally {
        sim.settings.update({ modelErrorRate: null });
      }
      expect(rolledBack).toMatchObject({ automatic: true, severity: 'alert', actorLabel: 'system' });
      expect(rolledBack.message).toMatch(/^automatic rollback 2\.0\.0 → 1\.0\.0: 2 consecutive unhealthy checks \(chat completion failed: HTTP 500\)/);

      const after = await ready(d.id, '1.0.0');
      expect(after.version).toBe('1.0.0');
      expect(after.alerts.map((a) => a.kind)).toContain('rolled_back');

      // The registry names the version production serves again.
      const detail = await getFamilyDetail(family.id);
      expect(detail.aliases.production?.version).toBe('1.0.0');
      const history = await db.select().from(modelHistory).where(and(eq(modelHistory.familyId, family.id), eq(modelHistory.kind, 'rolled_back')));
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ stage: 'production', actorLabel: 'system' });
      expect(history[0].details).toMatchObject({ automatic: true, environment: 'production', deploymentId: d.id, from: '2.0.0', to: '1.0.0' });
      const audits = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'deployments.rollback.automatic'), eq(auditEvents.targetId, d.id)));
      expect(audits).toHaveLength(1);
      expect(audits[0].summary).toMatchObject({ from: '2.0.0', to: '1.0.0' });

      // A later round sees 1.0.0 healthy and does nothing more.
      await waitFor('a healthy check of 1.0.0', async () => {
        await runHealthRound(system);
        return (await describeDeployment(d.id)).health.status === 'healthy';
      }, 10_000, 50);
      expect((await describeDeployment(d.id)).actions.filter((a) => a.kind === 'rolled_back')).toHaveLength(1);
      await undeployModel(meta(admin), family.slug, 'production');
    } finally {
      await worker?.close();
    }
  });
});
