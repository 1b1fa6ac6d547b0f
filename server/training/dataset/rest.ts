import { z } from 'zod';
import { BadRequestError } from '@/server/errors';
import { defineRoute, type RestRoute } from '@/server/http/route';
import { DATASET_MAX_BYTES } from '../config';
import { getDataset, importDatasetFromUri, listDatasets, uploadDataset } from './service';

const tag = 'Training';

export const datasetResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  source: z.enum(['upload', 'uri']),
  origin: z.string(),
  uri: z.string().describe('The stored copy (file:// under the datasets directory)'),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});

const uploadQuery = z.object({
  name: z.string().trim().max(200, 'name must be at most 200 characters').optional().describe('Display name (default: the file name)'),
  uri: z
    .string()
    .trim()
    .regex(/^(file:\/\/\/\S+|https?:\/\/\S+)$/, 'uri must start with file:///, http:// or https://')
    .optional()
    .describe('Import from a URI instead of uploading a body'),
});

/**
 * `POST /training/datasets` streams the body to disk (sha256 on the way, 1 GiB limit → 413): the raw JSONL
 * as the body (`Content-Type: application/x-ndjson`, `application/jsonl`, `text/plain` or
 * `application/octet-stream`; what the browser's upload sends) or multipart/form-data with a file field
 * (`curl -F file=@data.jsonl`). With `?uri=` and no body it imports from that URI instead.
 */
export const trainingDatasetRoutes: RestRoute[] = [
  defineRoute({
    method: 'POST', path: '/training/datasets', tag, scope: 'training:manage', successStatus: 201,
    summary: `Upload a JSONL dataset (raw body or multipart file, streamed, at most ${DATASET_MAX_BYTES} bytes) or import one with ?uri=`,
    query: uploadQuery, response: datasetResponse,
    rawBody: {
      contentTypes: ['application/x-ndjson', 'application/jsonl', 'text/plain', 'application/octet-stream', 'multipart/form-data'],
      description: 'The JSONL dataset as the raw body, or multipart/form-data with a file field; omit with ?uri=.',
      maxBytes: DATASET_MAX_BYTES,
    },
    handler: async ({ query, meta, request }) => {
      const contentType = request.headers.get('content-type');
      const contentLength = request.headers.get('content-length');
      if (query.uri) return importDatasetFromUri(meta, query.uri, { name: query.name });
      if (/^application\/json\b/i.test(contentType ?? '')) {
        throw new BadRequestError('Send the dataset as JSONL (application/x-ndjson, text/plain or multipart/form-data), or ?uri= to import one', 'body');
      }
      if (!request.readStream) throw new BadRequestError('This server cannot stream request bodies', 'body');
      return uploadDataset(meta, {
        body: request.readStream(),
        contentType,
        contentLength: contentLength === null ? null : Number(contentLength),
        name: query.name,
      });
    },
  }),
  defineRoute({
    method: 'GET', path: '/training/datasets', tag, scope: 'training:read', summary: 'List datasets, newest first',
    query: z.object({ limit: z.coerce.number().int().min(1, 'limit must be at least 1').max(200, 'limit must be at most 200').default(50) }),
    response: z.object({ items: z.array(datasetResponse) }),
    handler: ({ query }) => listDatasets(query),
  }),
  defineRoute({
    method: 'GET', path: '/training/datasets/{dataset_id}', tag, scope: 'training:read', summary: 'Get a dataset (size, checksum, stored URI)',
    // Any string here: params are checked before authentication, and an unknown id is a 404 from the service.
    params: z.object({ dataset_id: z.string().max(100).describe('Dataset id (uuid)') }), response: datasetResponse,
    handler: ({ params }) => getDataset(params.dataset_id),
  }),
];
