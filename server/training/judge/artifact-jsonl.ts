import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '@/server/errors';

/**
 * Reads a JSONL file a trainer wrote into its stage's artifact directory (`file://…/`, or the `.jsonl`
 * file itself), streamed, one object per non-blank line; `parse` returns the row or the problem, and
 * errors name the file and line. Null when the artifact is not a local file or has no such file (the
 * simulated trainer writes none): the caller then simulates.
 */
export async function readArtifactJsonl<T>(
  artifactUri: string,
  file: string,
  parse: (row: Record<string, unknown>) => T | { problem: string },
  opts: { field: string; maxRows?: number },
): Promise<T[] | null> {
  if (!artifactUri.startsWith('file://')) return null;
  const maxRows = opts.maxRows ?? 10_000;
  const dir = fileURLToPath(artifactUri);
  const path = dir.endsWith('.jsonl') ? dir : `${dir.replace(/\/+$/, '')}/${file}`;
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  const out: T[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (e) {
        throw new ValidationError(`${file} line ${n}: malformed JSON (${(e as Error).message})`, opts.field);
      }
      const parsed = row && typeof row === 'object' && !Array.isArray(row) ? parse(row as Record<string, unknown>) : { problem: 'not a JSON object' };
      if (parsed && typeof parsed === 'object' && 'problem' in parsed) throw new ValidationError(`${file} line ${n}: ${(parsed as { problem: string }).problem}`, opts.field);
      out.push(parsed as T);
      if (out.length > maxRows) throw new ValidationError(`${file} has more than ${maxRows} rows`, opts.field);
    }
  } finally {
    lines.close();
  }
  return out;
}

/** The optional string fields of a row, only when they are strings. */
export function optionalStrings<K extends string>(row: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, string>> {
  return Object.fromEntries(keys.filter((k) => typeof row[k] === 'string').map((k) => [k, row[k]])) as Partial<Record<K, string>>;
}
