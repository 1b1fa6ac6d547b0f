import { createHash } from 'node:crypto';
import type { SimClock } from '../clock';
import type { InjectedFailure } from '../controllers/fault-injection';
import { seededRandom } from '../util/random';
import { CallbackClient } from './callback-client';
import { metricsAt } from './curves';
import { parseTrainerConfig } from './trainer-config';

/**
 * FIXTURE — the simulated trainer. It stands in for a real trainer container inside simulated Job
 * pods and follows the trainer contract: it reads NW_CALLBACK_URL, NW_JOB_TOKEN, NW_STAGE and
 * NW_CONFIG from its environment and POSTs progress, metric, log and artifact events to the
 * callback URL. It never runs in production: real clusters run the real trainer image.
 */

export type TrainerExit =
  | { reason: 'Completed'; exitCode: 0 }
  | { reason: 'Error' | 'OOMKilled' | 'Evicted'; exitCode: number; message?: string };

export interface TrainerInput {
  env: Record<string, string>;
  namespace: string;
  podName: string;
  jobName: string;
  clock: SimClock;
  defaultDurationMs: number;
  callbackAttempts: number;
  failure?: InjectedFailure;
  /** Writes a line to the container log. */
  log: (line: string) => void;
  signal: AbortSignal;
}

const FAILURE_LINES: Record<string, string[]> = {
  OOMKilled: [
    'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.06 GiB is free.',
    'Killed',
  ],
  Error: [
    'Traceback (most recent call last):',
    '  File "/app/train.py", line 212, in <module>',
    '    main()',
    'RuntimeError: simulated trainer failure (injected by sim.neuroweaver.dev/fail)',
  ],
  Evicted: ['received SIGTERM: the node is low on memory, pod is being evicted'],
  DeadlineExceeded: ['NCCL watchdog: collective operation has not completed, waiting...'],
};

/** Runs the simulated training; resolves with how the container exits (never, for a hang). */
export async function runSimulatedTrainer(input: TrainerInput): Promise<TrainerExit> {
  const { env, clock, signal } = input;
  const cfg = parseTrainerConfig(env, { durationMs: input.defaultDurationMs, seed: input.jobName });
  const rand = seededRandom(`${cfg.seed}:${cfg.stage}`);
  const callbacks = new CallbackClient(env.NW_CALLBACK_URL || undefined, env.NW_JOB_TOKEN || undefined, clock, input.callbackAttempts, signal);
  const say = (line: string, remote = true) => {
    input.log(line);
    if (remote) callbacks.send({ type: 'log', line });
  };

  say(`[sim-trainer] stage=${cfg.stage} steps=${cfg.totalSteps} job=${input.jobName} pod=${input.podName}`);
  if (!callbacks.enabled) say('[sim-trainer] NW_CALLBACK_URL is not set: events are only logged', false);
  say(`[sim-trainer] loading base model and dataset (simulated)`);
  callbacks.send({ type: 'progress', progress: 0, step: 0, totalSteps: cfg.totalSteps });

  const failAt = input.failure ? Math.max(1, Math.round(input.failure.at * cfg.reports)) : Infinity;
  const interval = cfg.durationMs / cfg.reports;
  for (let i = 1; i <= cfg.reports; i++) {
    await clock.sleep(interval, signal);
    if (i >= failAt && input.failure) return fail(input, callbacks, say);
    const t = i / cfg.reports;
    const step = Math.round(t * cfg.totalSteps);
    const metrics = metricsAt(cfg.stage, t, rand, cfg);
    say(`{${metrics.map((m) => `'${m.name}': ${m.value}`).join(', ')}, 'step': ${step}, 'epoch': ${Math.round(t * 100) / 100}}`);
    callbacks.send({ type: 'progress', progress: Math.round(t * 1e4) / 1e4, step, totalSteps: cfg.totalSteps });
    for (const m of metrics) callbacks.send({ type: 'metric', name: m.name, value: m.value, step });
  }

  const uri = cfg.artifactUri ?? `s3://neuroweaver-artifacts/${input.namespace}/${input.jobName}/${cfg.stage}/`;
  const sha256 = createHash('sha256').update(`${uri}|${cfg.seed}|${cfg.stage}|${cfg.totalSteps}`).digest('hex');
  say(`[sim-trainer] saved ${cfg.stage === 'reward_model' || cfg.stage === 'rm' ? 'reward model' : 'adapter'} to ${uri} (sha256 ${sha256.slice(0, 12)}…)`);
  callbacks.send({ type: 'artifact', uri, sha256 });
  say('[sim-trainer] training finished');
  await callbacks.flush();
  return { reason: 'Completed', exitCode: 0 };
}

async function fail(input: TrainerInput, callbacks: CallbackClient, say: (line: string, remote?: boolean) => void): Promise<TrainerExit> {
  const cause = input.failure!.cause;
  for (const line of FAILURE_LINES[cause] ?? []) say(line, cause === 'Error');
  if (cause === 'DeadlineExceeded') {
    // Hang until the Job controller's deadline deletes the pod.
    if (input.signal.aborted) throw input.signal.reason;
    await new Promise<never>((_, reject) => input.signal.addEventListener('abort', () => reject(input.signal.reason), { once: true }));
  }
  if (cause === 'Error') await callbacks.flush();
  if (cause === 'OOMKilled') return { reason: 'OOMKilled', exitCode: 137 };
  if (cause === 'Evicted') return { reason: 'Evicted', exitCode: 137, message: 'The node was low on resource: memory.' };
  return { reason: 'Error', exitCode: input.failure!.exitCode };
}
