import { seededRandom } from '../util/random';
import { expectedEvalLoss } from './curves';

/**
 * FIXTURE — part of the simulated trainer: how good the model a simulated pipeline trains is.
 *
 * Each pipeline's model gets a quality in 0.6–0.8, drawn from its id (so a run repeats exactly), and
 * PPO adds a little on top of SFT. The simulated trainer shapes its curves with it (a better model
 * reaches a lower eval loss), and the simulated model server answers with it, so a model with a lower
 * eval loss also wins more pairwise judgements against its parent — the numbers agree with each other.
 */
export const DEFAULT_SIM_QUALITY = 0.7;

/**
 * Quality of the model pipeline `pipelineId` trains; `modelStage` 'ppo' for its RLAIF policy. Kept close to
 * the default so that a simulated parent of unknown quality (0.7) is beaten sometimes, not always or never.
 */
export function simulatedModelQuality(pipelineId: string, modelStage: string | undefined): number {
  const base = 0.6 + 0.2 * seededRandom(`model-quality:${pipelineId}`)();
  return Math.round(Math.min(0.95, base + (modelStage === 'ppo' ? 0.05 : 0)) * 1000) / 1000;
}

/**
 * The quality a simulated model of this final eval loss was trained with (inverse of the curve at t = 1),
 * for models known only by their metrics — a registered parent version, say. Clamped to 0.05–0.98.
 */
export function qualityFromEvalLoss(evalLoss: number): number {
  // expectedEvalLoss is linear in quality: loss(q) = loss(0) − 0.3·q.
  const atZero = expectedEvalLoss(0, 1);
  const slope = atZero - expectedEvalLoss(1, 1);
  const q = (atZero - evalLoss) / slope;
  return Math.round(Math.min(0.98, Math.max(0.05, q)) * 1000) / 1000;
}

/**
 * The simulated quality of a registered version: the model its pipeline trained (lineage.pipelineId and
 * config.trainedStage), else read back from its eval loss, else the simulator's default.
 */
export function simulatedVersionQuality(version: { lineage?: { pipelineId?: string } | null; config?: Record<string, unknown> | null; metrics?: Record<string, number> | null }): number {
  const pipelineId = version.lineage?.pipelineId;
  if (pipelineId) return simulatedModelQuality(pipelineId, typeof version.config?.trainedStage === 'string' ? version.config.trainedStage : 'sft');
  const evalLoss = version.metrics?.eval_loss;
  if (typeof evalLoss === 'number' && Number.isFinite(evalLoss)) return qualityFromEvalLoss(evalLoss);
  return DEFAULT_SIM_QUALITY;
}
