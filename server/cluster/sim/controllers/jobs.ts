import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IJobCondition } from 'kubernetes-models/batch/v1/JobCondition';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { T } from '../resources';
import type { KObject, Stored } from '../store/types';
import { clone, deepEqual } from '../util/json';
import { randomSuffix } from '../util/random';
import { rfc3339 } from '../util/time';
import { qosClass } from '../api/defaults';
import { admitPodPriority } from '../priority';
import type { Controller, ControllerContext } from './context';
import { injectedFailure } from './fault-injection';
import { matchPodFailurePolicy } from './job-failure-policy';
import { controllerOf, ownerReference } from './ownership';
import { isPodReady, isTerminal, setCondition } from './pod-status';
import { keyOf, splitKey, WorkQueue } from './work-queue';

const COMPONENT = 'job-controller';

function finished(job: IJob): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

/**
 * batch/v1 Jobs: one pod at a time per parallelism slot (ownerReference, `job-name` and
 * `controller-uid` labels), pod re-creation with exponential back-off up to `backoffLimit`,
 * `activeDeadlineSeconds`, `podFailurePolicy` (FailJob/Ignore/Count), `ttlSecondsAfterFinished`,
 * and the conditions and Events the real controller writes. Durations in the spec are cluster time.
 */
export function startJobs(ctx: ControllerContext): Controller {
  const { store, clock } = ctx;
  const speed = ctx.options.speed;
  const startedAt = new Map<string, number>();
  const lastFailure = new Map<string, { count: number; at: number }>();
  const finishedAt = new Map<string, number>();

  const finish = (job: Stored<IJob>, active: Stored<IPod>[], counts: { succeeded: number; failed: number }, type: 'Complete' | 'Failed', reason: string, message: string) => {
    for (const p of active) if (store.get(T.pods, p.metadata.namespace, p.metadata.name)) store.delete(T.pods, p.metadata.namespace, p.metadata.name, { propagationPolicy: 'Background' });
    const now = rfc3339();
    store.mutate<Stored<IJob>>(T.jobs, job.metadata.namespace, job.metadata.name, (j) => {
      j.status ??= {};
      let conds = j.status.conditions ?? [];
      const extra = { lastProbeTime: now } as Partial<IJobCondition>;
      if (type === 'Complete') {
        conds = setCondition(conds, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, extra);
        conds = setCondition(conds, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, extra);
        j.status.completionTime = now;
      } else {
        conds = setCondition(conds, { type: 'FailureTarget', status: 'True', reason, message }, extra);
        conds = setCondition(conds, { type: 'Failed', status: 'True', reason, message }, extra);
      }
      j.status.conditions = conds;
      j.status.active = 0;
      j.status.ready = 0;
      j.status.terminating = 0;
      if (counts.succeeded) j.status.succeeded = counts.succeeded;
      if (counts.failed) j.status.failed = counts.failed;
    });
    finishedAt.set(job.metadata.uid!, Date.now());
    if (type === 'Complete') ctx.events.record(job, 'Normal', 'Completed', 'Job completed', COMPONENT);
    else ctx.events.record(job, 'Warning', reason, message, COMPONENT);
  };

  const reconcile = (key: string) => {
    const [ns, name] = splitKey(key);
    const job = store.get<Stored<IJob>>(T.jobs, ns, name);
    if (!job) return;
    const uid = job.metadata.uid!;
    const pods = store.listControlledBy<Stored<IPod>>(T.pods, uid);
    const active = pods.filter((p) => !isTerminal(p));
    const done = finished(job);
    if (done) {
      for (const p of active) store.delete(T.pods, p.metadata.namespace, p.metadata.name, { propagationPolicy: 'Background' });
      const ttl = job.spec?.ttlSecondsAfterFinished;
      if (ttl !== undefined) {
        const recorded = Date.parse(job.status?.completionTime ?? job.status?.conditions?.find((c) => c.type === done)?.lastTransitionTime ?? '');
        const endedAt = finishedAt.get(uid) ?? (Number.isNaN(recorded) ? Date.now() : recorded);
        const remaining = endedAt + (ttl * 1000) / speed - Date.now();
        if (remaining <= 0) store.delete(T.jobs, ns, name, { propagationPolicy: 'Background' });
        else queue.addAfter(key, remaining * speed + 1);
      }
      return;
    }
    const spec = job.spec!;
    const now = Date.now();
    const started = startedAt.get(uid) ?? (job.status?.startTime ? Date.parse(job.status.startTime) : now);
    startedAt.set(uid, started);
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
    let failedCount = 0;
    let failJob: string | undefined;
    for (const p of pods.filter((x) => x.status?.phase === 'Failed')) {
      const match = matchPodFailurePolicy(job, p);
      if (match?.action === 'FailJob' && !failJob) failJob = match.message;
      if (match?.action !== 'Ignore') failedCount++;
    }
    const seen = lastFailure.get(uid);
    if (!seen || seen.count !== failedCount) lastFailure.set(uid, { count: failedCount, at: seen && failedCount > seen.count ? now : seen?.at ?? now });

    const completions = spec.completions ?? 1;
    const deadlineS = spec.activeDeadlineSeconds;
    let deadlineMs = deadlineS !== undefined ? deadlineS * 1000 : undefined;
    if (deadlineMs === undefined && active.some((p) => injectedFailure(store, ctx.settings.get(), p)?.cause === 'DeadlineExceeded')) {
      deadlineMs = ctx.options.timings.trainerDurationMs + ctx.options.timings.imagePullMs + ctx.options.timings.containerStartMs;
    }
    if (failJob) return finish(job, active, { succeeded, failed: failedCount }, 'Failed', 'PodFailurePolicy', failJob);
    if (failedCount > (spec.backoffLimit ?? 6)) return finish(job, active, { succeeded, failed: failedCount }, 'Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    if (deadlineMs !== undefined && now - started >= deadlineMs / speed) return finish(job, active, { succeeded, failed: failedCount }, 'Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline');
    if (succeeded >= completions) return finish(job, active, { succeeded, failed: failedCount }, 'Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
    if (deadlineMs !== undefined) queue.addAfter(key, deadlineMs - (now - started) * speed + 1);

    const want = spec.suspend ? 0 : Math.min(spec.parallelism ?? 1, completions - succeeded);
    let creating = want - active.length;
    if (creating > 0 && failedCount > 0) {
      const backoff = Math.min(ctx.options.timings.jobBackoffBaseMs * 2 ** (failedCount - 1), ctx.options.timings.jobBackoffMaxMs);
      const wait = lastFailure.get(uid)!.at + backoff / speed - now;
      if (wait > 0) {
        queue.addAfter(key, wait * speed + 1);
        creating = 0;
      }
    }
    const created: KObject[] = [];
    for (let i = 0; i < creating; i++) {
      const template = clone(spec.template);
      // A pod the API server would refuse (a missing PriorityClass) is not created; the resync tries again.
      // The message names the pod by its prefix, so repeats aggregate into one Event.
      const refused = admitPodPriority(store, template.spec);
      if (refused) {
        ctx.events.record(job, 'Warning', 'FailedCreate', `Error creating: pods "${name}-" is forbidden: ${refused}`, COMPONENT);
        break;
      }
      const pod = store.create(T.pods, {
        metadata: {
          name: `${name}-${randomSuffix()}`, namespace: ns, labels: template.metadata?.labels,
          annotations: template.metadata?.annotations, ownerReferences: [ownerReference(job)],
        },
        spec: template.spec,
        status: { phase: 'Pending', qosClass: qosClass(template.spec) },
      });
      created.push(pod);
      ctx.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, COMPONENT);
    }
    if (creating < 0) {
      for (const p of active.slice(creating)) {
        store.delete(T.pods, p.metadata.namespace, p.metadata.name, { propagationPolicy: 'Background' });
        ctx.events.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, COMPONENT);
      }
    }
    const startTime = job.status?.startTime ?? rfc3339(started);
    const current = store.get<Stored<IJob>>(T.jobs, ns, name);
    const status = {
      ...current?.status,
      startTime,
      active: active.length + created.length + Math.min(0, creating),
      ready: active.filter((p) => isPodReady(p)).length,
      terminating: 0,
      uncountedTerminatedPods: {},
      ...(succeeded ? { succeeded } : {}),
      ...(failedCount ? { failed: failedCount } : {}),
    };
    // Most reconciles change nothing: compare before copying the whole Job (its pod template is large).
    if (current && !deepEqual(status, current.status)) store.mutate<Stored<IJob>>(T.jobs, ns, name, (j) => void (j.status = status));
  };
  const queue = new WorkQueue('jobs', reconcile, clock);
  const unsubscribe = store.subscribe((e) => {
    if (e.resource === T.jobs) {
      if (e.type === 'DELETED') {
        startedAt.delete(e.object.metadata.uid!);
        lastFailure.delete(e.object.metadata.uid!);
        finishedAt.delete(e.object.metadata.uid!);
      } else queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name));
      return;
    }
    const owner = controllerOf(e.object);
    if (owner?.kind === 'Job') queue.add(keyOf(e.object.metadata.namespace, owner.name));
  }, [T.jobs, T.pods]);
  for (const j of store.list(T.jobs)) queue.add(keyOf(j.metadata.namespace, j.metadata.name));
  const stopResync = clock.every(ctx.options.timings.resyncMs, () => {
    for (const j of store.list(T.jobs)) queue.add(keyOf(j.metadata.namespace, j.metadata.name));
  });
  return {
    stop() {
      unsubscribe();
      stopResync();
      queue.stop();
    },
  };
}

