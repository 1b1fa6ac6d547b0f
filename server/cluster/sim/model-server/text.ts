import { seededRandom } from '../util/random';

/**
 * FIXTURE — part of the simulated model server.
 *
 * Deterministic answers: the same prompt, model and quality always give the same text. Quality
 * (0..1) decides how many of the prompt's key terms the answer addresses, whether it is structured
 * and how much filler it carries — features the simulated judge scores, so two versions with
 * different quality produce a measurable difference in an A/B test.
 */
const STOP = new Set('about above after again against also among because been before being below between both could does doing during each from further have having here into itself just more most other over same should some such than that their them then there these they this those through under until very what when where which while whom will with would your yours please explain tell write give show make using want need like'.split(' '));

const FILLER = [
  'It is important to keep many things in mind here.',
  'There are various aspects that could be considered in general.',
  'This depends on a number of different factors overall.',
  'In many cases the answer may vary somewhat.',
];

export function keyTerms(text: string, max = 8): string[] {
  const seen = new Set<string>();
  for (const w of text.toLowerCase().match(/[a-z][a-z0-9-]{3,}/g) ?? []) {
    if (!STOP.has(w)) seen.add(w);
    if (seen.size >= max) break;
  }
  return [...seen];
}

export function generateAnswer(prompt: string, model: string, quality: number): string {
  const rand = seededRandom(`${model}|${quality.toFixed(3)}|${prompt}`);
  const terms = keyTerms(prompt);
  const covered = terms.slice(0, Math.max(quality > 0.2 ? 1 : 0, Math.round(terms.length * Math.min(1, quality + (rand() - 0.5) * 0.2))));
  const lines: string[] = [];
  const topic = terms[0] ?? 'your question';
  lines.push(`Here is an answer about ${topic}.`);
  const structured = rand() < quality;
  covered.forEach((term, i) => {
    const sentence = `${term.charAt(0).toUpperCase()}${term.slice(1)} matters because it shapes how ${terms[(i + 1) % Math.max(terms.length, 1)] ?? 'the result'} behaves in practice.`;
    lines.push(structured ? `${i + 1}. ${sentence}` : sentence);
  });
  const filler = Math.round((1 - quality) * 3 + rand() * 0.5);
  for (let i = 0; i < filler; i++) lines.push(FILLER[Math.floor(rand() * FILLER.length)]);
  if (quality > 0.6) lines.push(`In short: focus on ${covered.slice(0, 3).join(', ') || topic}.`);
  return lines.join(structured ? '\n' : ' ');
}

/** A rough token count (about four characters a token), as OpenAI-compatible servers report usage. */
export function countTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}
