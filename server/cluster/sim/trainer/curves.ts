import { normal } from '../util/random';

/**
 * FIXTURE — part of the simulated trainer.
 *
 * Training curves that look like the real thing: SFT loss decays exponentially with noise, reward
 * model accuracy rises towards a ceiling, PPO reward rises while KL to the reference grows, DPO
 * loss falls from ln 2 while the reward margin widens. `t` is progress in 0..1.
 */
export interface CurvePoint {
  name: string;
  value: number;
}

const round = (v: number) => Math.round(v * 1e5) / 1e5;

function cosineLr(lr: number, t: number): number {
  const warm = 0.05;
  return t < warm ? (lr * t) / warm : lr * 0.5 * (1 + Math.cos(Math.PI * ((t - warm) / (1 - warm))));
}

/** The loss a model of this quality converges to: a better model reaches a lower loss. */
const lossFloor = (quality: number) => 0.25 + 0.3 * (1 - quality);

/** Eval loss at progress `t` before noise; ./model-quality.ts inverts it at t = 1. */
export function expectedEvalLoss(quality: number, t: number): number {
  return lossFloor(quality) + 0.06 + 1.7 * Math.exp(-4 * t);
}

export function metricsAt(stage: string, t: number, rand: () => number, opts: { learningRate: number; quality: number }): CurvePoint[] {
  const n = (scale: number) => normal(rand) * scale;
  const q = opts.quality;
  const lr = { name: 'learning_rate', value: Number(cosineLr(opts.learningRate, t).toPrecision(4)) };
  switch (stage) {
    case 'reward_model':
    case 'reward-model':
    case 'rm': {
      const acc = 0.5 + (0.2 + 0.15 * q) * (1 - Math.exp(-4 * t)) + n(0.015);
      return [
        { name: 'loss', value: round(Math.max(0.05, 0.693 * Math.exp(-2.2 * t) + 0.18 + n(0.02))) },
        { name: 'accuracy', value: round(Math.min(0.99, Math.max(0.4, acc))) },
        lr,
      ];
    }
    case 'ppo':
    case 'rlaif':
    case 'rlhf': {
      return [
        { name: 'reward', value: round(-0.4 + (1.2 + q) * (1 - Math.exp(-3 * t)) + n(0.08)) },
        { name: 'kl', value: round(Math.max(0, 0.01 + 0.15 * t ** 1.3 + n(0.006))) },
        { name: 'entropy', value: round(Math.max(0.1, 2.1 - 0.6 * t + n(0.03))) },
        { name: 'policy_loss', value: round(-0.02 - 0.05 * t + n(0.01)) },
      ];
    }
    case 'dpo': {
      return [
        { name: 'loss', value: round(Math.max(0.05, 0.693 * Math.exp(-(1.5 + q) * t) + n(0.02))) },
        { name: 'rewards/margins', value: round(Math.max(0, (2 + 3 * q) * (1 - Math.exp(-2.5 * t)) + n(0.1))) },
        lr,
      ];
    }
    default: {
      const floor = lossFloor(q);
      const loss = floor + 1.9 * Math.exp(-4.5 * t) + n(0.03 * (1 - 0.5 * t));
      return [
        { name: 'loss', value: round(Math.max(0.05, loss)) },
        { name: 'eval_loss', value: round(Math.max(0.05, expectedEvalLoss(q, t) + n(0.015))) },
        lr,
        { name: 'grad_norm', value: round(Math.max(0.05, 0.4 + 1.5 * Math.exp(-5 * t) + Math.abs(n(0.1)))) },
      ];
    }
  }
}
