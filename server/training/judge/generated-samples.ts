import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@/server/errors';

/**
 * The `generate` stage's output, as `feedback` reads it: `responses.jsonl` in the stage's artifact
 * directory, one `{"prompt": …, "response": …, "category"?: …, "promptId"?: …}` per line (streamed; errors
 * name the line). Returns null when the artifact is not a local file or has no responses file (e.g. the
 * simulated trainer writes none): the stage then simulates responses.
 */
export const GENERATED_SAMPLES_FILE = 'responses.jsonl';

export type GeneratedSample = { prompt: string; response: string; category?: string; promptId?: string };

export async function readGeneratedSamples(artifactUri: string, maxSamples = 10_000): Promise<GeneratedSample[] | null> {
  if (!artifactUri.startsWith('file://')) return null;
  const dir = fileURLToPath(artifactUri);
  const path = dir.endsWith('.jsonl') ? dir : `${dir.replace(/\/+$/, '')}/${GENERATED_SAMPLES_FILE}`;
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  const out: GeneratedSample[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line);
      } catch (e) {
        throw new ValidationError(`${GENERATED_SAMPLES_FILE} line ${n}: malformed JSON (${(e as Error).message})`, 'samples');
      }
      if (typeof row?.prompt !== 'string' || typeof row.response !== 'string') throw new ValidationError(`${GENERATED_SAMPLES_FILE} line ${n}: needs string "prompt" and "response"`, 'samples');
      out.push({
        prompt: row.prompt, response: row.response,
        ...(typeof row.category === 'string' ? { category: row.category } : {}),
        ...(typeof row.promptId === 'string' ? { promptId: row.promptId } : {}),
      });
      if (out.length > maxSamples) throw new ValidationError(`${GENERATED_SAMPLES_FILE} has more than ${maxSamples} responses`, 'samples');
    }
  } finally {
    lines.close();
  }
  return out;
}
