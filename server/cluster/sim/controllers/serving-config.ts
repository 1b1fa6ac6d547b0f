import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { ModelServerOptions } from '../model-server/model-server';
import type { SimulatorSettings } from '../settings';
import { hashSeed } from '../util/random';
import { SIM } from './context';

function argAfter(args: string[] | undefined, flag: string): string | undefined {
  if (!args) return undefined;
  const i = args.indexOf(flag);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

function num(...values: (string | undefined)[]): number | undefined {
  for (const v of values) {
    if (v === undefined || v === '') continue;
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

/**
 * How a serving pod's simulated model server behaves, from (first match wins) annotations
 * `sim.neuroweaver.dev/{quality,error-rate,latency-ms}`, env `NW_SIM_QUALITY`, `NW_SIM_ERROR_RATE`,
 * `NW_SIM_LATENCY_MS`, `NW_SIM_LATENCY_P95_MS`, `NW_SIM_MODEL`, vLLM args `--served-model-name` /
 * `--model`. Without an explicit quality, the version label gives a stable per-version quality, so
 * two versions differ. The simulator-wide `modelErrorRate` setting overrides the error rate.
 */
export function servingConfig(pod: IPod, container: IContainer, env: Record<string, string>, settings: () => SimulatorSettings): ModelServerOptions {
  const ann = pod.metadata?.annotations ?? {};
  const labels = pod.metadata?.labels ?? {};
  const args = [...(container.command ?? []), ...(container.args ?? [])];
  const modelName = env.NW_SIM_MODEL || argAfter(args, '--served-model-name') || argAfter(args, '--model') || labels['app.kubernetes.io/name'] || labels.app || pod.metadata?.generateName?.replace(/-[a-z0-9]+-$/, '') || 'sim-model';
  const version = labels['app.kubernetes.io/version'] ?? labels['neuroweaver.dev/version'] ?? env.NW_MODEL_VERSION;
  const derived = version ? 0.55 + 0.35 * ((hashSeed(`${modelName}@${version}`) % 1000) / 1000) : 0.7;
  const quality = Math.min(1, Math.max(0, num(ann[`${SIM}/quality`], env.NW_SIM_QUALITY) ?? derived));
  const ownRate = Math.min(1, Math.max(0, num(ann[`${SIM}/error-rate`], env.NW_SIM_ERROR_RATE) ?? 0));
  const median = num(ann[`${SIM}/latency-ms`], env.NW_SIM_LATENCY_MS) ?? 200;
  const p95 = num(env.NW_SIM_LATENCY_P95_MS) ?? median * 3;
  return {
    mode: 'chat',
    modelName,
    quality,
    errorRate: () => settings().modelErrorRate ?? ownRate,
    latency: { medianMs: median, p95Ms: Math.max(p95, median) },
    seed: pod.metadata?.name,
  };
}
