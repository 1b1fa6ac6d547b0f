import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { ANNOTATIONS, compareQueueOrder, describeJobFailure, describePodFailure, getCluster, jobFinished, jobHasCondition, Kinds, LABELS, labelSelector, MANAGED_BY, queueKeyOf, trainingJobNames, trainingLabels, type QueueKey, type WatchHandle } from '@/server/cluster';
import { logger } from '@/server/logger';
import { applyStageJob, deleteStageJob, deleteStageSecret, type DispatchPipeline, enqueueEvaluateJudging, enqueueStage, gpuStageConfig, readAhead, unqueueStage } from './dispatch';
import { systemActor } from '@/server/auth/actor';
import { runStage } from './run-stage';
import { GPU_STAGES, STAGES, stageKind, type StageName } from './stages';
import { claimableAttempts, completeStage, failStage, type NextStage, queuedStages, runningStages, setStageWaiting, stageState } from './transitions';

const log = logger.child({ component: 'training-watcher' });

/** How long the queued job of a stage this watcher dispatched itself waits before checking on it. */
const SAFETY_NET_DELAY_MS = 5_000;
/**
 * A running GPU stage whose Job is still missing this long after it started lost its dispatch (the safety
 * net's queued job runs after SAFETY_NET_DELAY_MS; this is for when that job was lost too).
 */
const JOBLESS_STAGE_GRACE_MS = 60_000;
/** A token Secret without a running Job is swept once it is this old (its Job may still be on its way). */
const TOKEN_SWEEP_MIN_AGE_MS = 60_000;
/** How long after its Job finished an attempt's token Secret is deleted (see forgetToken). */
const TOKEN_DELETE_DELAY_MS = 1_000;

const TRAINING_SELECTOR = labelSelector({ [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: 'training' });

function refOf(obj: { metadata?: { annotations?: Record<string, string> } }): NextStage | null {
  const a = obj.metadata?.annotations ?? {};
  const pipelineId = a[ANNOTATIONS.pipelineId];
  const stage = a[ANNOTATIONS.stage] as StageName;
  const attempt = Number(a[ANNOTATIONS.attempt]);
  if (!pipelineId || !(STAGES as readonly string[]).includes(stage) || !Number.isInteger(attempt)) return null;
  return { pipelineId, stage, attempt };
}

/** Whether `work` succeeded; a failure is logged with `message`, for a caller whose fallback takes over. */
function succeeded(work: Promise<unknown>, ref: NextStage, message: string): Promise<boolean> {
  return work.then(
    () => true,
    (err: unknown) => {
      log.warn({ err, ...ref }, message);
      return false;
    },
  );
}

function ordinal(n: number): string {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
}

/**
 * Follows the training Jobs and their pods on the cluster and moves the pipelines along: a Job that
 * completed completes its stage, a failed one fails it with the cause in plain words, a pod Pending for
 * lack of GPUs shows "waiting for GPU" with its place in the queue. It also deletes Jobs of attempts that
 * are no longer running (cancelled meanwhile) and re-enqueues queued stages whose enqueue was lost.
 * Every action is an idempotent transition, so several workers may run a watcher each.
 */
export class TrainingWatcher {
  private jobs?: WatchHandle;
  private pods?: WatchHandle;
  private timer?: NodeJS.Timeout;
  private readonly pending = new Map<string, { ref: NextStage; order: QueueKey; waiting: string | null }>();
  private stopped = false;
  private lastSweep = 0;
  /** Finished attempts whose token Secret is still to be deleted (forgetToken), oldest first. */
  private readonly tokenDeletes: NextStage[] = [];

  async start(reconcileEveryMs = 5_000): Promise<void> {
    const { client } = await getCluster();
    this.jobs = client.watch<IJob>(Kinds.Job, { labelSelector: TRAINING_SELECTOR }, (event) => {
      if (event.type === 'SYNC') return Promise.all(event.objects.map((j) => this.onJob(j, true))).then(() => undefined);
      if (event.type === 'DELETED') return;
      return this.onJob(event.object, false);
    });
    // Only Pending pods matter here (waiting for a GPU): a pod that leaves Pending arrives as DELETED, as the
    // API server reports an object that stops matching a watch's selector; a running pod's updates never come.
    this.pods = client.watch<IPod>(Kinds.Pod, { labelSelector: TRAINING_SELECTOR, fieldSelector: 'status.phase=Pending' }, (event) => {
      if (event.type === 'SYNC') {
        this.pending.clear();
        for (const p of event.objects) this.trackPod(p, false);
      } else this.trackPod(event.object, event.type === 'DELETED');
      return this.publishQueue();
    });
    await Promise.all([this.jobs.ready, this.pods.ready]);
    const loop = async () => {
      if (this.stopped) return;
      await this.reconcile().catch((err) => log.warn({ err }, 'training reconcile failed'));
      if (!this.stopped) this.timer = setTimeout(loop, reconcileEveryMs);
    };
    await loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.jobs?.stop();
    this.pods?.stop();
  }

  /**
   * Queued stages with no BullMQ job (an enqueue lost to a crash) get one; duplicates are dropped by job id.
   * Active Jobs whose stage attempt no longer runs (a cancel that raced a dispatch) are deleted.
   * Running evaluate stages whose Job completed get their judging job (deduplicated by id). Running GPU
   * stages without a Job `joblessGraceMs` after they started get it.
   */
  async reconcile(joblessGraceMs = JOBLESS_STAGE_GRACE_MS): Promise<void> {
    for (const next of await queuedStages()) await enqueueStage(next);
    const { client } = await getCluster();
    const { items } = await client.list(Kinds.Job, { labelSelector: TRAINING_SELECTOR });
    for (const job of items) if (!jobFinished(job)) await this.onJob(job, true);
    // An evaluate Job that completed while its judging was not enqueued (a lost enqueue) gets it now.
    const completed = new Set(items.filter((j) => jobHasCondition(j, 'Complete')).map((j) => j.metadata?.name));
    for (const s of await runningStages(['evaluate'])) if (s.jobName && completed.has(s.jobName)) await enqueueEvaluateJudging(s.pipelineId, s.attempt);
    // A GPU stage claimed by a transition whose process died before both its Job and its queued job were
    // stored runs without a Job: the dispatch creates it (the stage is running, so it only ensures the Job).
    const existing = new Set(items.map((j) => j.metadata?.name));
    for (const s of await runningStages([...GPU_STAGES], joblessGraceMs)) {
      if (s.jobName && existing.has(s.jobName)) continue;
      log.warn({ ...s }, 'a running GPU stage has no Job: dispatching it again');
      await runStage({ actor: systemActor, requestId: `reconcile:${s.pipelineId}` }, s, { finalAttempt: false }).catch((err) => log.warn({ err, ...s }, 'dispatching a running stage without a Job failed; the next reconcile retries'));
    }
    // Only leftovers older than a minute are swept, so once a minute is enough (and a cluster identity not
    // allowed to list Secrets says so once a minute, not on every pass).
    if (Date.now() - this.lastSweep >= TOKEN_SWEEP_MIN_AGE_MS) {
      this.lastSweep = Date.now();
      await this.sweepTokens(items).catch((err) => log.warn({ err }, 'sweeping the token Secrets of finished attempts failed'));
    }
  }

  /**
   * Token Secrets whose Job finished or is gone (a worker died before deleting one, or a dispatch died
   * between the Secret and the Job) are deleted. A Secret younger than `minAgeMs` is left alone: its Job may
   * be on its way (the two are applied together).
   */
  async sweepTokens(jobs: IJob[], minAgeMs = TOKEN_SWEEP_MIN_AGE_MS): Promise<number> {
    const { client } = await getCluster();
    const active = new Set(jobs.filter((j) => !jobFinished(j)).map((j) => j.metadata?.name));
    let deleted = 0;
    for (const secret of (await client.list(Kinds.Secret, { labelSelector: TRAINING_SELECTOR })).items) {
      const ref = refOf(secret);
      const created = Date.parse(secret.metadata?.creationTimestamp ?? '');
      if (!ref || active.has(trainingJobNames(ref).job) || !(Date.now() - created >= minAgeMs)) continue;
      if (await deleteStageSecret(ref)) deleted++;
    }
    return deleted;
  }

  private async onJob(job: IJob, check: boolean): Promise<void> {
    const ref = refOf(job);
    if (!ref) return;
    const complete = jobHasCondition(job, 'Complete');
    const failed = jobHasCondition(job, 'Failed');
    try {
      if (!complete && !failed) {
        // A Job of an attempt that is no longer running (cancelled, superseded) has nothing to do.
        if (check) {
          const state = await stageState(ref.pipelineId, ref.stage);
          if (state && (state.pipelineStatus !== 'running' || state.stage.attempt !== ref.attempt || !['queued', 'running'].includes(state.stage.status))) {
            log.info({ ...ref }, 'deleting a training Job whose stage attempt is no longer running');
            await deleteStageJob(ref);
          }
        }
        return;
      }
      let moved;
      if (complete && ref.stage === 'evaluate') {
        // The stage is not done yet: the worker judges the win rate against the parent, then completes it.
        const state = await stageState(ref.pipelineId, ref.stage);
        if (state?.pipelineStatus === 'running' && state.stage.attempt === ref.attempt && state.stage.status === 'running') {
          await enqueueEvaluateJudging(ref.pipelineId, ref.attempt);
          this.forgetToken(ref);
        }
        return;
      } else if (complete) {
        const ahead = readAhead(job);
        const completed = await completeStage(ref.pipelineId, ref.stage, ref.attempt, { jobName: job.metadata?.name }, claimableAttempts(ref.pipelineId));
        moved = completed && { ...completed, pipeline: { ...completed.pipeline, ...ahead } };
      } else {
        const { client } = await getCluster();
        const pods = (await client.list(Kinds.Pod, { labelSelector: labelSelector(trainingLabels(ref)) })).items;
        const failure = describeJobFailure(job, pods) ?? { code: 'failed', message: 'the Job failed' };
        moved = await failStage(ref.pipelineId, ref.stage, ref.attempt, failure);
      }
      if (moved) {
        if (moved.next) await this.dispatchNext(moved.next, 'pipeline' in moved ? moved.pipeline : undefined);
        // After the next stage's dispatch, which an operator waits for.
        this.forgetToken(ref);
      }
    } catch (err) {
      log.warn({ err, ...ref }, 'training Job event not handled; the next event or reconcile retries');
    }
  }

  /**
   * The stage a transition moved to. A GPU stage is dispatched here at once; its queued job is a safety net
   * that takes over a little later if this process dies first (removed once the Job exists, when the
   * transition claimed the stage; otherwise it runs and finds the Job). `pipeline` is what the transition
   * returned, when it did.
   */
  private async dispatchNext(next: NextStage & { claimed?: boolean }, pipeline: DispatchPipeline | undefined): Promise<void> {
    const gpu = stageKind(next.stage) === 'gpu';
    if (gpu && pipeline && next.claimed) {
      // Claimed by the completing transition (the usual case): only its Job is missing, applied as soon as
      // its configuration is read, while the safety-net job is being stored rather than after it. A Job
      // applied without that job needs none (this watcher follows the Job), so once both are done the job
      // is removed again: left in place, every dispatch's job would run seconds later, in the middle of the
      // next burst, only to find its stage moved on. A process that dies before either is stored leaves a
      // running stage without a Job, which the reconcile repairs — as it does when Redis is unreachable.
      const queued = succeeded(enqueueStage(next, 'normal', SAFETY_NET_DELAY_MS), next, 'the safety-net job of a dispatch was not stored; the reconcile repairs a missing Job');
      const config = gpuStageConfig(pipeline, next.stage, next.attempt).catch(() => undefined);
      const applied = succeeded(config.then((stageConfig) => applyStageJob(pipeline, next.stage, next.attempt, stageConfig)), next, 'direct dispatch failed; the queued job (or the reconcile) retries');
      const [stored, created] = await Promise.all([queued, applied]);
      if (stored && created) await unqueueStage(next).catch((err) => log.debug({ err, ...next }, 'the safety-net job of a dispatch stays; it will find the Job'));
      return;
    }
    await enqueueStage(next, 'normal', gpu ? SAFETY_NET_DELAY_MS : undefined);
    if (gpu) await runStage({ actor: systemActor, requestId: `watch:${next.pipelineId}` }, next, { finalAttempt: false }, pipeline).catch((err) => log.warn({ err, ...next }, 'direct dispatch failed; the queued job retries'));
  }

  /**
   * The token Secret of an attempt whose Job finished (its token is of no use any more): deleted in the
   * background, a moment later and one at a time, so that a burst of finishing Jobs does not make the next
   * stages' dispatches share the cluster API with as many deletes. Reconcile sweeps a miss (a process
   * stopped with deletes still queued).
   */
  private forgetToken(ref: NextStage) {
    this.tokenDeletes.push(ref);
    if (this.tokenDeletes.length > 1) return;
    const drain = async () => {
      for (let next = this.tokenDeletes[0]; next && !this.stopped; next = this.tokenDeletes[0]) {
        await deleteStageSecret(next).catch((err) => log.warn({ err, ...next }, 'deleting a finished attempt’s token Secret failed; reconcile retries'));
        this.tokenDeletes.shift();
      }
      this.tokenDeletes.length = 0;
    };
    setTimeout(() => void drain(), TOKEN_DELETE_DELAY_MS).unref();
  }

  private trackPod(pod: IPod, deleted: boolean) {
    const uid = pod.metadata?.uid;
    const ref = refOf(pod);
    if (!uid || !ref) return;
    const failure = deleted ? null : describePodFailure(pod);
    if (failure?.code === 'waiting_for_gpu') {
      const prev = this.pending.get(uid);
      this.pending.set(uid, { ref, order: queueKeyOf(pod), waiting: prev?.waiting ?? null });
    } else if (this.pending.has(uid)) {
      this.pending.delete(uid);
      void setStageWaiting(ref.pipelineId, ref.stage, ref.attempt, null).catch(() => undefined);
    }
  }

  /**
   * Writes each waiting pod's place in the GPU queue, only where it changed: the scheduler's order (higher
   * PriorityClass first, then oldest; ties in the same second keep the order the pods were seen in).
   */
  private async publishQueue(): Promise<void> {
    const queue = [...this.pending.values()].sort((a, b) => compareQueueOrder(a.order, b.order));
    await Promise.all(
      queue.map(async (entry, i) => {
        const text = `waiting for GPU (${ordinal(i + 1)} in queue)`;
        if (entry.waiting === text) return;
        entry.waiting = text;
        await setStageWaiting(entry.ref.pipelineId, entry.ref.stage, entry.ref.attempt, text).catch(() => undefined);
      }),
    );
  }
}

