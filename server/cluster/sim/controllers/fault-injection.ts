import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { T } from '../resources';
import { FAILURE_CAUSES, type FailureCause, type SimulatorSettings } from '../settings';
import type { ObjectStore } from '../store';
import type { Stored } from '../store/types';
import { SIM } from './context';
import { controllerOf } from './ownership';

export interface InjectedFailure {
  cause: FailureCause;
  exitCode: number;
  /** Fraction of the run after which the failure strikes. */
  at: number;
}

const DEFAULT_AT: Record<FailureCause, number> = { OOMKilled: 0.35, Error: 0.2, Evicted: 0.5, DeadlineExceeded: 0.5, ImagePullBackOff: 0 };

function annotation(obj: { metadata?: { annotations?: Record<string, string> } } | undefined, name: string): string | undefined {
  return obj?.metadata?.annotations?.[`${SIM}/${name}`];
}

export function ownerJob(store: ObjectStore, pod: IPod): Stored<IJob> | undefined {
  const ref = controllerOf(pod as Stored<IPod>);
  return ref?.kind === 'Job' ? store.get<Stored<IJob>>(T.jobs, pod.metadata?.namespace, ref.name) : undefined;
}

/**
 * The failure a training pod is to die of: its own annotation `sim.neuroweaver.dev/fail`, else its
 * Job's, else the simulator-wide setting. `fail-attempts: N` limits it to the Job's first N pods;
 * `exit-code` and `fail-at` (0..1) refine it.
 */
export function injectedFailure(store: ObjectStore, settings: SimulatorSettings, pod: IPod): InjectedFailure | undefined {
  const job = ownerJob(store, pod);
  const pick = (name: string) => annotation(pod, name) ?? annotation(job, name);
  const cause = (pick('fail') ?? (settings.jobFailure === 'none' ? undefined : settings.jobFailure)) as FailureCause | undefined;
  if (!cause || !FAILURE_CAUSES.includes(cause)) return undefined;
  const attempts = pick('fail-attempts');
  if (attempts !== undefined && job) {
    const earlier = store.list<Stored<IPod>>(T.pods, { namespace: job.metadata.namespace }).filter((p) => controllerOf(p)?.uid === job.metadata.uid && p.metadata.uid !== pod.metadata?.uid && p.status?.phase === 'Failed').length;
    if (earlier >= Number(attempts)) return undefined;
  }
  const exit = Number(pick('exit-code') ?? (cause === 'Error' ? settings.jobFailureExitCode : 137));
  const at = Number(pick('fail-at') ?? DEFAULT_AT[cause]);
  return { cause, exitCode: Number.isInteger(exit) && exit > 0 ? exit : 1, at: at >= 0 && at <= 1 ? at : DEFAULT_AT[cause] };
}

/** Whether a serving pod is to crash-loop: annotation `sim.neuroweaver.dev/crash=true` or settings. */
export function shouldCrash(store: ObjectStore, settings: SimulatorSettings, pod: IPod): boolean {
  if (annotation(pod, 'crash') === 'true') return true;
  if (annotation(pod, 'crash') === 'false') return false;
  const rsRef = controllerOf(pod as Stored<IPod>);
  const rs = rsRef?.kind === 'ReplicaSet' ? store.get(T.replicasets, pod.metadata?.namespace, rsRef.name) : undefined;
  const deployment = rs ? controllerOf(rs)?.name : undefined;
  return !!deployment && (settings.crashDeployments.includes('*') || settings.crashDeployments.includes(deployment));
}
