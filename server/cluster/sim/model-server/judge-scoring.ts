import { hashSeed } from '../util/random';
import { keyTerms } from './text';

/**
 * FIXTURE — the simulated judge's scoring (RLAIF stage without a real judge).
 *
 * Deterministic from the content: it looks for the response being judged (after "Response:",
 * "Answer:" or "Assistant:"), the question (before it), and scores 1..10 on key-term coverage,
 * structure, sensible length and filler.
 */
export interface JudgeVerdict {
  score: number;
  rationale: string;
}

export function judge(content: string): JudgeVerdict {
  const marker = /(?:^|\n)\s*(?:response|answer|assistant|completion)\s*[:：]/i.exec(content);
  const response = marker ? content.slice(marker.index + marker[0].length) : content;
  const question = marker ? content.slice(0, marker.index) : content;
  const terms = keyTerms(question);
  const lower = response.toLowerCase();
  const coverage = terms.length ? terms.filter((t) => lower.includes(t)).length / terms.length : 0.5;
  const structured = /(^|\n)\s*\d+\.\s/.test(response);
  const words = response.split(/\s+/).filter(Boolean).length;
  const lengthOk = words >= 15 && words <= 400;
  const filler = (response.match(/various aspects|number of different factors|many things in mind|may vary somewhat/g) ?? []).length;
  const jitter = ((hashSeed(content) % 1000) / 1000 - 0.5) * 0.8;
  const raw = 2 + 4.5 * coverage + (structured ? 1.5 : 0) + (lengthOk ? 1 : 0) - 0.8 * filler + jitter;
  const score = Math.max(1, Math.min(10, Math.round(raw)));
  const parts = [
    `covers ${Math.round(coverage * 100)}% of the key terms`,
    structured ? 'is well structured' : 'lacks structure',
    lengthOk ? 'has a reasonable length' : words < 15 ? 'is too short' : 'is too long',
    ...(filler ? [`contains ${filler} filler sentence${filler > 1 ? 's' : ''}`] : []),
  ];
  return { score, rationale: `The response ${parts.join(', ')}.` };
}
