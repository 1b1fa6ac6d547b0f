import type { IContainerState } from 'kubernetes-models/v1/ContainerState';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { logger } from '@/server/logger';
import { startModelServer, type ModelServer } from '../model-server/model-server';
import { T } from '../resources';
import type { Stored } from '../store/types';
import { runSimulatedTrainer } from '../trainer/simulated-trainer';
import { rfc3339 } from '../util/time';
import { SIM, type ControllerContext } from './context';
import { injectedFailure, shouldCrash, type InjectedFailure } from './fault-injection';
import { controllerOf } from './ownership';
import { resolveEnv } from './pod-env';
import { containerStatuses, runtimeConditions, setCondition } from './pod-status';
import { servingConfig } from './serving-config';

const log = logger.child({ component: 'cluster-sim' });

type Workload = 'trainer' | 'server' | 'generic';
class PodGone extends Error {}

function workloadOf(pod: IPod): Workload {
  const owner = controllerOf(pod as Stored<IPod>)?.kind;
  const env = new Set((pod.spec?.containers?.[0]?.env ?? []).map((e) => e.name));
  if (owner === 'Job' || env.has('NW_STAGE') || env.has('NW_CALLBACK_URL')) return 'trainer';
  if (owner === 'ReplicaSet' || pod.metadata?.annotations?.[`${SIM}/serve`] === 'true') return 'server';
  return 'generic';
}

function backoffText(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/**
 * One simulated pod on its node: image pull, container start, then the workload — the simulated
 * trainer for Job pods, the simulated model server for Deployment pods (Ready after a delay, or a
 * crash loop), or an idle container for anything else. Status goes to the store as a kubelet would
 * write it, logs to the pod log.
 */
export class PodRuntime {
  readonly uid: string;
  private readonly abort = new AbortController();
  private server: ModelServer | undefined;
  private crashRequested: (() => void) | undefined;
  private readonly ns: string;
  private readonly name: string;
  private readonly container: string;
  private readonly workload: Workload;

  constructor(private readonly ctx: ControllerContext, pod: Stored<IPod>) {
    this.uid = pod.metadata.uid!;
    this.ns = pod.metadata.namespace!;
    this.name = pod.metadata.name;
    this.container = pod.spec?.containers?.[0]?.name ?? 'main';
    this.workload = workloadOf(pod);
  }

  get modelServer(): ModelServer | undefined {
    return this.server;
  }

  start(): void {
    this.run().catch((err: unknown) => {
      if (this.abort.signal.aborted || err instanceof PodGone) return;
      log.error({ err, pod: `${this.ns}/${this.name}` }, 'simulated pod runtime failed');
    });
  }

  stop(): void {
    this.abort.abort(new PodGone('pod stopped'));
    this.crashRequested?.();
    void this.server?.close();
    this.server = undefined;
  }

  /** Settings changed: a healthy serving pod that now has to crash does so. */
  settingsChanged(): void {
    if (this.crashRequested && this.current && shouldCrash(this.ctx.store, this.ctx.settings.get(), this.current)) this.crashRequested();
  }

  private get current(): Stored<IPod> | undefined {
    const pod = this.ctx.store.get<Stored<IPod>>(T.pods, this.ns, this.name);
    return pod?.metadata.uid === this.uid ? pod : undefined;
  }

  private update(change: (pod: Stored<IPod>) => void): Stored<IPod> {
    if (this.abort.signal.aborted || !this.current) throw new PodGone();
    const pod = this.ctx.store.mutate<Stored<IPod>>(T.pods, this.ns, this.name, (p) => {
      p.status ??= {};
      change(p);
    });
    if (!pod) throw new PodGone();
    return pod;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    const pod = this.current;
    if (pod) this.ctx.events.record(pod, type, reason, message, 'kubelet', pod.spec?.nodeName);
  }

  private sleep(ms: number): Promise<void> {
    return this.ctx.clock.sleep(ms, this.abort.signal);
  }

  private setState(state: IContainerState, ready: boolean, opts: { phase?: NonNullable<IPod['status']>['phase']; restartCount?: number; lastState?: IContainerState; reason?: string } = {}): Stored<IPod> {
    return this.update((p) => {
      p.status!.phase = opts.phase ?? p.status!.phase ?? 'Pending';
      p.status!.hostIP = '127.0.0.1';
      p.status!.hostIPs = [{ ip: '127.0.0.1' }];
      p.status!.startTime ??= rfc3339();
      if (state.running || state.terminated) {
        p.status!.podIP = '127.0.0.1';
        p.status!.podIPs = [{ ip: '127.0.0.1' }];
      }
      p.status!.containerStatuses = containerStatuses(p, state, ready, opts.restartCount ?? 0, opts.lastState);
      p.status!.conditions = runtimeConditions(p, ready, opts.reason);
    });
  }

  private log(line: string): void {
    this.ctx.podLogs.append(this.ns, this.name, this.container, line);
  }

  private async run(): Promise<void> {
    const { timings } = this.ctx.options;
    const pod = this.current;
    if (!pod) return;
    const image = pod.spec?.containers?.[0]?.image ?? '';
    const failure = this.workload === 'trainer' ? injectedFailure(this.ctx.store, this.ctx.settings.get(), pod) : undefined;
    this.setState({ waiting: { reason: 'ContainerCreating' } }, false, { phase: 'Pending' });
    this.event('Normal', 'Pulling', `Pulling image "${image}"`);
    await this.sleep(timings.imagePullMs);
    if (failure?.cause === 'ImagePullBackOff') return this.imagePullBackOff(image);
    const secs = (timings.imagePullMs / 1000).toFixed(3);
    this.event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: 8123456789 bytes.`);

    let env: Record<string, string>;
    for (;;) {
      const current = this.current;
      if (!current) throw new PodGone();
      const resolved = resolveEnv(this.ctx.store, current, current.spec!.containers[0]);
      if (resolved.ok) {
        env = resolved.env;
        break;
      }
      this.setState({ waiting: { reason: 'CreateContainerConfigError', message: resolved.message } }, false, { phase: 'Pending' });
      this.event('Warning', 'Failed', `Error: ${resolved.message}`);
      await this.sleep(2_000);
    }
    await this.sleep(timings.containerStartMs);
    this.event('Normal', 'Created', `Created container: ${this.container}`);
    this.event('Normal', 'Started', `Started container ${this.container}`);
    if (this.workload === 'trainer') return this.runTrainer(env, failure);
    if (this.workload === 'server') return this.runServer(env);
    this.ctx.podLogs.start(this.ns, this.name, this.container);
    this.setState({ running: { startedAt: rfc3339() } }, true, { phase: 'Running' });
    await new Promise<void>((resolve) => this.abort.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  private async imagePullBackOff(image: string): Promise<void> {
    const why = `failed to pull and unpack image "${image}": failed to resolve reference "${image}": not found`;
    this.setState({ waiting: { reason: 'ErrImagePull', message: why } }, false, { phase: 'Pending' });
    this.event('Warning', 'Failed', `Failed to pull image "${image}": ${why}`);
    this.event('Warning', 'Failed', 'Error: ErrImagePull');
    let backoff = this.ctx.options.timings.crashBackoffBaseMs;
    for (;;) {
      await this.sleep(1_000);
      this.setState({ waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } }, false, { phase: 'Pending' });
      this.event('Normal', 'BackOff', `Back-off pulling image "${image}"`);
      this.event('Warning', 'Failed', 'Error: ImagePullBackOff');
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, this.ctx.options.timings.crashBackoffMaxMs);
    }
  }

  private async runTrainer(env: Record<string, string>, failure: InjectedFailure | undefined): Promise<void> {
    const pod = this.current!;
    const startedAt = rfc3339();
    this.ctx.podLogs.start(this.ns, this.name, this.container);
    this.setState({ running: { startedAt } }, true, { phase: 'Running' });
    const jobName = pod.metadata.labels?.['job-name'] ?? controllerOf(pod)?.name ?? this.name;
    const exit = await runSimulatedTrainer({
      env, namespace: this.ns, podName: this.name, jobName, clock: this.ctx.clock,
      defaultDurationMs: this.ctx.options.timings.trainerDurationMs, callbackAttempts: this.ctx.options.callbackAttempts,
      failure, log: (line) => this.log(line), signal: this.abort.signal,
    });
    this.ctx.podLogs.stop(this.ns, this.name, this.container);
    const terminated = { exitCode: exit.exitCode, reason: exit.reason === 'Evicted' ? 'ContainerStatusUnknown' : exit.reason, startedAt, finishedAt: rfc3339(), ...(exit.reason === 'Evicted' ? { message: 'The container could not be located when the pod was terminated' } : {}) };
    const succeeded = exit.exitCode === 0;
    this.update((p) => {
      p.status!.phase = succeeded ? 'Succeeded' : 'Failed';
      p.status!.containerStatuses = containerStatuses(p, { terminated }, false);
      p.status!.conditions = runtimeConditions(p, false, succeeded ? 'PodCompleted' : 'PodFailed');
      if (exit.reason === 'Evicted') {
        p.status!.reason = 'Evicted';
        p.status!.message = exit.message;
        p.status!.conditions = setCondition(p.status!.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message: exit.message });
      }
    });
    if (exit.reason === 'Evicted') this.event('Warning', 'Evicted', exit.message ?? 'The node was low on resource: memory.');
  }

  private async runServer(env: Record<string, string>): Promise<void> {
    const { timings } = this.ctx.options;
    let restarts = 0;
    let lastState: IContainerState | undefined;
    for (;;) {
      const pod = this.current;
      if (!pod) throw new PodGone();
      const startedAt = rfc3339();
      this.ctx.podLogs.start(this.ns, this.name, this.container);
      this.log('INFO:     Starting vLLM API server (simulated by NeuroWeaver)');
      if (!shouldCrash(this.ctx.store, this.ctx.settings.get(), pod)) {
        const cfg = servingConfig(pod, pod.spec!.containers[0], env, () => this.ctx.settings.get());
        this.server = await startModelServer({ ...cfg, onRequest: (method, path, status) => this.log(`INFO:     127.0.0.1 - "${method} ${path} HTTP/1.1" ${status}`) });
        if (this.abort.signal.aborted) {
          await this.server.close();
          throw new PodGone();
        }
        this.log(`INFO:     Uvicorn running on http://127.0.0.1:${this.server.port} (model ${cfg.modelName})`);
        this.update((p) => {
          p.metadata.annotations = { ...p.metadata.annotations, [`${SIM}/port`]: String(this.server!.port) };
        });
        this.setState({ running: { startedAt } }, false, { phase: 'Running', restartCount: restarts, lastState });
        await this.sleep(timings.readyDelayMs);
        this.log('INFO:     Application startup complete.');
        this.setState({ running: { startedAt } }, true, { phase: 'Running', restartCount: restarts, lastState });
        await new Promise<void>((resolve) => {
          this.crashRequested = resolve;
          this.abort.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        this.crashRequested = undefined;
        const server = this.server;
        this.server = undefined;
        await server?.close();
        if (this.abort.signal.aborted) throw new PodGone();
      } else {
        this.setState({ running: { startedAt } }, false, { phase: 'Running', restartCount: restarts, lastState });
        await this.sleep(timings.crashAfterMs);
      }
      this.log('ERROR:    RuntimeError: CUDA error: an illegal memory access was encountered (simulated crash)');
      this.ctx.podLogs.stop(this.ns, this.name, this.container);
      lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: rfc3339() } };
      const backoff = Math.min(timings.crashBackoffBaseMs * 2 ** restarts, timings.crashBackoffMaxMs);
      restarts++;
      const current = this.current!;
      const msg = `back-off ${backoffText(backoff)} restarting failed container=${this.container} pod=${this.name}_${this.ns}(${this.uid})`;
      this.setState({ waiting: { reason: 'CrashLoopBackOff', message: msg } }, false, { phase: 'Running', restartCount: restarts, lastState });
      this.event('Warning', 'BackOff', `Back-off restarting failed container ${this.container} in pod ${current.metadata.name}_${this.ns}(${this.uid})`);
      await this.sleep(backoff);
    }
  }
}
