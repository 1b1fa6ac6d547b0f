import { hashSeed } from '../util/random';
import { keyTerms } from './text';

/**
 * FIXTURE — the simulated judge's scoring (RLAIF stage without a real judge).
 *
 * Deterministic from the content: it looks for the response being judged (after "Response:",
 * "Answer:" or "Assistant:"), the question (before it), and scores 1..10 on key-term coverage,
 * structure, sensible length and filler. A pairwise request ("Response A:" … "Response B:") scores both
 * responses the same way and answers the preference for A (10 = A far better, 1 = B far better), with
 * a slight bias towards the first position, as real LLM judges have: judging both orders cancels it.
 */
export interface JudgeVerdict {
  score: number;
  rationale: string;
}

interface Assessment {
  raw: number;
  parts: string[];
}

/** Raw (unrounded) quality of `response` to `question`, with a deterministic jitter drawn from `jitterSeed`. */
function assess(question: string, response: string, jitterSeed: string): Assessment {
  const terms = keyTerms(question);
  const lower = response.toLowerCase();
  const coverage = terms.length ? terms.filter((t) => lower.includes(t)).length / terms.length : 0.5;
  const structured = /(^|\n)\s*\d+\.\s/.test(response);
  const words = response.split(/\s+/).filter(Boolean).length;
  const lengthOk = words >= 15 && words <= 400;
  const filler = (response.match(/various aspects|number of different factors|many things in mind|may vary somewhat/g) ?? []).length;
  const jitter = ((hashSeed(jitterSeed) % 1000) / 1000 - 0.5) * 0.8;
  const raw = 2 + 4.5 * coverage + (structured ? 1.5 : 0) + (lengthOk ? 1 : 0) - 0.8 * filler + jitter;
  const parts = [
    `covers ${Math.round(coverage * 100)}% of the key terms`,
    structured ? 'is well structured' : 'lacks structure',
    lengthOk ? 'has a reasonable length' : words < 15 ? 'is too short' : 'is too long',
    ...(filler ? [`contains ${filler} filler sentence${filler > 1 ? 's' : ''}`] : []),
  ];
  return { raw, parts };
}

const clampScore = (x: number) => Math.max(1, Math.min(10, Math.round(x)));

/** How much the simulated judge favours Response A for its position alone (in preference points). */
export const SIM_POSITION_BIAS = 0.5;

const PAIR = /^([\s\S]*?)(?:^|\n)\s*response a\s*[:：]([\s\S]*?)\n\s*response b\s*[:：]([\s\S]*)$/i;

export function judge(content: string): JudgeVerdict {
  const pair = PAIR.exec(content);
  if (pair) return judgePair(pair[1], pair[2].trim(), pair[3].trim());
  const marker = /(?:^|\n)\s*(?:response|answer|assistant|completion)\s*[:：]/i.exec(content);
  const response = marker ? content.slice(marker.index + marker[0].length) : content;
  const question = marker ? content.slice(0, marker.index) : content;
  const { raw, parts } = assess(question, response, content);
  return { score: clampScore(raw), rationale: `The response ${parts.join(', ')}.` };
}

function judgePair(question: string, a: string, b: string): JudgeVerdict {
  // Each response's jitter depends on the response alone, so it is the same in either position.
  const ra = assess(question, a, `${question}\u0000${a}`);
  const rb = assess(question, b, `${question}\u0000${b}`);
  const diff = ra.raw - rb.raw;
  const score = clampScore(5.5 + SIM_POSITION_BIAS + 1.5 * diff);
  const verdict = Math.abs(diff) < 0.35 ? 'The responses are about equally good' : diff > 0 ? 'Response A is better' : 'Response B is better';
  return { score, rationale: `${verdict}: A ${ra.parts.join(', ')}; B ${rb.parts.join(', ')}.` };
}
