import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PayloadTooLargeError } from '@/server/errors';
import { DATASET_MAX_BYTES } from '../config';

/**
 * Where datasets live: NEUROWEAVER_DATASETS_DIR (default `.data/datasets` under the working directory).
 * `files/<id>.jsonl` are stored datasets, `prepared/<pipelineId>/` the prepare stage's outputs.
 */
export function datasetsDir(env: Record<string, string | undefined> = process.env): string {
  const dir = env.NEUROWEAVER_DATASETS_DIR?.trim() || join('.data', 'datasets');
  return isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
}

/** The upload/import limit: DATASET_MAX_BYTES (1 GiB), lowered by NEUROWEAVER_DATASET_MAX_BYTES (tests, small installs). */
export function datasetMaxBytes(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env.NEUROWEAVER_DATASET_MAX_BYTES);
  return Number.isInteger(n) && n > 0 ? Math.min(n, DATASET_MAX_BYTES) : DATASET_MAX_BYTES;
}

export const tooLarge = (limit: number) =>
  new PayloadTooLargeError(`Dataset exceeds the limit of ${limit} bytes (${Math.round((limit / 1024 ** 3) * 100) / 100} GiB)`, 'dataset');

export interface StoredFile {
  path: string;
  uri: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Streams `source` to `<dir>/files/<id>.jsonl`, computing sha256 and the size on the way; never holds the
 * whole content in memory. Past `limit` bytes it stops reading, deletes the partial file and throws 413.
 * The file appears under its final name only when complete (write to a temp name, then rename).
 */
export async function storeStream(source: AsyncIterable<Uint8Array>, id: string, opts: { limit?: number; dir?: string } = {}): Promise<StoredFile> {
  const limit = opts.limit ?? datasetMaxBytes();
  const dir = join(opts.dir ?? datasetsDir(), 'files');
  await mkdir(dir, { recursive: true });
  const finalPath = join(dir, `${id}.jsonl`);
  const tmpPath = join(dir, `.${id}.${randomUUID()}.part`);
  const hash = createHash('sha256');
  const out = createWriteStream(tmpPath);
  let size = 0;
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  try {
    // Iterated by hand: on 413 the source is left as it is (not destroyed), so the HTTP layer can drain the
    // rest of the upload and the client still reads the answer.
    const it = source[Symbol.asyncIterator]();
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      const chunk = next.value;
      size += chunk.byteLength;
      if (size > limit) throw tooLarge(limit);
      hash.update(chunk);
      if (!out.write(chunk)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
    }
    await Promise.race([new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r()))), failed]);
    await rename(tmpPath, finalPath);
  } catch (error) {
    out.on('error', () => undefined);
    out.destroy();
    await rm(tmpPath, { force: true });
    throw error;
  }
  return { path: finalPath, uri: pathToFileURL(finalPath).href, sizeBytes: size, sha256: hash.digest('hex') };
}
