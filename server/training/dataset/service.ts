import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, desc, eq, lt } from 'drizzle-orm';
import { db } from '@/db/client';
import { trainingDatasets, type TrainingDatasetRow } from '@/db/schema/training-datasets';
import type { RequestMeta } from '@/server/auth/actor';
import { recordAudit } from '@/server/audit/service';
import { BadRequestError, NotFoundError, ValidationError } from '@/server/errors';
import { readMultipartFile } from './multipart';
import { datasetMaxBytes, datasetsDir, storeStream, tooLarge } from './storage';

export interface DatasetView {
  id: string;
  name: string;
  source: 'upload' | 'uri';
  origin: string;
  uri: string;
  sizeBytes: number;
  sha256: string;
  createdBy: string;
  createdAt: string;
}

export function toDatasetView(row: TrainingDatasetRow): DatasetView {
  return {
    id: row.id, name: row.name, source: row.source, origin: row.origin, uri: row.uri, sizeBytes: row.sizeBytes,
    sha256: row.sha256, createdBy: row.createdByLabel, createdAt: row.createdAt.toISOString(),
  };
}

const cleanName = (name: string | null | undefined, fallback: string) => (name ?? '').trim().slice(0, 200) || fallback;

export interface UploadInput {
  body: AsyncIterable<Uint8Array>;
  contentType: string | null;
  /** Declared Content-Length, if any: over the limit → 413 before reading. */
  contentLength?: number | null;
  name?: string | null;
  limit?: number;
}

/**
 * Stores an uploaded dataset: the raw body (any content type but JSON) or the first file of a
 * multipart/form-data body, streamed to disk with its sha256; over `limit` (1 GiB) → 413 and nothing kept.
 * The row and its audit event are written in one transaction after the file is complete.
 */
export async function uploadDataset(meta: RequestMeta, input: UploadInput): Promise<DatasetView> {
  const limit = input.limit ?? datasetMaxBytes();
  if (input.contentLength != null && Number.isFinite(input.contentLength) && input.contentLength > limit + (isMultipart(input.contentType) ? 64 * 1024 : 0)) {
    throw tooLarge(limit);
  }
  let content = input.body;
  let name = input.name;
  let contentType = input.contentType;
  if (isMultipart(input.contentType)) {
    const file = await readMultipartFile(input.body, input.contentType!);
    content = file.content;
    name = name || file.fields.name || file.filename;
    contentType = file.contentType;
  }
  const id = randomUUID();
  const stored = await storeStream(content, id, { limit });
  if (stored.sizeBytes === 0) {
    await rm(stored.path, { force: true });
    throw new ValidationError('Dataset is empty: the upload has no content', 'dataset');
  }
  const displayName = cleanName(name, `dataset-${stored.sha256.slice(0, 8)}`);
  return withFileCleanup(stored.path, () => db.transaction(async (tx) => {
    const [row] = await tx
      .insert(trainingDatasets)
      .values({ id, name: displayName, source: 'upload', origin: `upload:${displayName}`, uri: stored.uri, sizeBytes: stored.sizeBytes, sha256: stored.sha256, contentType, createdById: meta.actor.id, createdByLabel: meta.actor.label })
      .returning();
    await recordAudit(tx, meta, { action: 'training.dataset.upload', targetType: 'training_dataset', targetId: id, targetLabel: displayName, summary: { sizeBytes: stored.sizeBytes, sha256: stored.sha256 } });
    return toDatasetView(row);
  }));
}

/** Removes the stored file when its row could not be written: nothing half-written. */
async function withFileCleanup<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

function isMultipart(contentType: string | null | undefined): boolean {
  return /^multipart\/form-data\b/i.test(contentType ?? '');
}

/** Roots a `file://` dataset URI may point into: the datasets directory plus NEUROWEAVER_DATASET_FILE_ROOTS (comma-separated). */
export function allowedFileRoots(env: Record<string, string | undefined> = process.env): string[] {
  const extra = (env.NEUROWEAVER_DATASET_FILE_ROOTS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return [datasetsDir(env), ...extra].map((p) => resolve(p));
}

/** Opens a `file://` or `http(s)://` dataset URI as a byte stream, refusing content over `limit`. */
export async function openDatasetUri(uri: string, limit = datasetMaxBytes()): Promise<AsyncIterable<Uint8Array>> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ValidationError(`Dataset URI is not a valid URI: ${uri}`, 'dataset.uri');
  }
  if (url.protocol === 'file:') {
    const path = fileURLToPath(url);
    const inside = allowedFileRoots().some((root) => {
      const rel = relative(root, path);
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    });
    if (!inside) throw new ValidationError(`Dataset URI ${uri} is outside the allowed dataset directories (NEUROWEAVER_DATASET_FILE_ROOTS)`, 'dataset.uri');
    const info = await stat(path).catch(() => null);
    if (!info || !info.isFile()) throw new ValidationError(`Dataset file not found: ${uri}`, 'dataset.uri');
    if (info.size > limit) throw tooLarge(limit);
    return createReadStream(path);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(60_000), redirect: 'follow' });
    } catch (error) {
      throw new ValidationError(`Dataset URI ${uri} could not be fetched: ${(error as Error).message}`, 'dataset.uri');
    }
    if (!res.ok) throw new ValidationError(`Dataset URI ${uri} answered HTTP ${res.status}`, 'dataset.uri');
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    if (!res.body) return (async function* () {})();
    return res.body as unknown as AsyncIterable<Uint8Array>;
  }
  throw new ValidationError('Dataset URI must start with file:///, http:// or https://', 'dataset.uri');
}

/**
 * Copies a dataset from a URI into the datasets directory (streamed, sha256 on the way) and records it.
 * `reuseKey` makes it idempotent: a second call with the same key returns the first copy.
 */
export async function importDatasetFromUri(meta: RequestMeta, uri: string, opts: { name?: string; reuseKey?: string; limit?: number } = {}): Promise<DatasetView> {
  if (opts.reuseKey) {
    const [existing] = await db.select().from(trainingDatasets).where(and(eq(trainingDatasets.origin, uri), eq(trainingDatasets.name, opts.reuseKey))).limit(1);
    if (existing) return toDatasetView(existing);
  }
  const limit = opts.limit ?? datasetMaxBytes();
  const stream = await openDatasetUri(uri, limit);
  const id = randomUUID();
  const stored = await storeStream(stream, id, { limit });
  const name = opts.reuseKey ?? cleanName(opts.name, uri.split('/').pop() || uri);
  return withFileCleanup(stored.path, () => db.transaction(async (tx) => {
    const [row] = await tx
      .insert(trainingDatasets)
      .values({ id, name, source: 'uri', origin: uri, uri: stored.uri, sizeBytes: stored.sizeBytes, sha256: stored.sha256, createdById: meta.actor.id, createdByLabel: meta.actor.label })
      .returning();
    await recordAudit(tx, meta, { action: 'training.dataset.import', targetType: 'training_dataset', targetId: id, targetLabel: name, summary: { origin: uri, sizeBytes: stored.sizeBytes, sha256: stored.sha256 } });
    return toDatasetView(row);
  }));
}

export async function getDataset(id: string): Promise<DatasetView> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError(`Dataset ${id} not found`, 'dataset.id');
  const [row] = await db.select().from(trainingDatasets).where(eq(trainingDatasets.id, id)).limit(1);
  if (!row) throw new NotFoundError(`Dataset ${id} not found`, 'dataset.id');
  return toDatasetView(row);
}

export async function listDatasets(opts: { limit: number; before?: string }): Promise<{ items: DatasetView[] }> {
  const rows = await db
    .select()
    .from(trainingDatasets)
    .where(opts.before ? lt(trainingDatasets.createdAt, new Date(opts.before)) : undefined)
    .orderBy(desc(trainingDatasets.createdAt))
    .limit(opts.limit);
  return { items: rows.map(toDatasetView) };
}

/** Local path of a stored dataset (its `uri` is always file:// under the datasets directory). */
export function storedPath(view: Pick<DatasetView, 'uri'>): string {
  if (!view.uri.startsWith('file://')) throw new BadRequestError(`Stored dataset URI is not a file URI: ${view.uri}`);
  return fileURLToPath(view.uri);
}
