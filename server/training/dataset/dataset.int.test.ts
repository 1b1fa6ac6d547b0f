import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { auditEvents } from '@/db/schema/audit';
import { ValidationError } from '@/server/errors';
import { handleRestRequest } from '@/server/http/handle';
import { createRestServer, listenOnLoopback } from '@/server/http/node-server';
import { RestRouter } from '@/server/http/router';
import { systemMeta, testApiKey } from '@/test/fixtures';
import { runPrepareStage } from './prepare';
import { trainingDatasetRoutes } from './rest';
import { uploadDataset } from './service';
import { validateDataset } from './validate';

let dir: string;
let url: string;
let close: () => Promise<void>;
let engineerKey: string;
let viewerKey: string;

const qlora = { maxSeqLength: 2048 } as Parameters<typeof runPrepareStage>[0]['config']['qlora'];
const noLog = () => undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nw-datasets-'));
  process.env.NEUROWEAVER_DATASETS_DIR = join(dir, 'store');
  process.env.NEUROWEAVER_DATASET_FILE_ROOTS = join(dir, 'src');
  const server = createRestServer(new RestRouter(trainingDatasetRoutes));
  url = await listenOnLoopback(server);
  close = () => new Promise((r) => server.close(() => r()));
  [engineerKey, viewerKey] = await Promise.all([testApiKey('ml_engineer'), testApiKey('viewer')]);
});
afterAll(async () => {
  await close();
  delete process.env.NEUROWEAVER_DATASETS_DIR;
  delete process.env.NEUROWEAVER_DATASET_FILE_ROOTS;
  delete process.env.NEUROWEAVER_DATASET_MAX_BYTES;
  await rm(dir, { recursive: true, force: true });
});

const rows = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `What is the service interval for model ${i + offset}?`, response: `Every ${10_000 + i + offset} miles or 12 months.` })).join('\n') + '\n';

async function post(path: string, body: BodyInit | undefined, headers: Record<string, string>, key = engineerKey) {
  const res = await fetch(`${url}/api/v1${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${key}`, ...headers }, duplex: 'half' } as RequestInit);
  return { status: res.status, body: await res.json() };
}

async function srcFile(name: string, content: string) {
  await writeFile(join(dir, 'src', name), content).catch(async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'src', name), content);
  });
  return pathToFileURL(join(dir, 'src', name)).href;
}

async function prepareError(content: string): Promise<ValidationError> {
  const uri = await srcFile(`bad-${createHash('sha1').update(content).digest('hex')}.jsonl`, content);
  const err = await runPrepareStage({ pipelineId: crypto.randomUUID(), config: { dataset: { kind: 'uri', uri }, qlora }, log: noLog }).catch((e) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('POST /api/v1/training/datasets', () => {
  it('streams a raw JSONL body to disk with its sha256 and audits it', async () => {
    const content = rows(50);
    const res = await post('/training/datasets?name=service-faq', content, { 'content-type': 'application/x-ndjson' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'service-faq', source: 'upload', sizeBytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') });
    expect(await readFile(new URL(res.body.uri), 'utf8')).toBe(content);
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.targetId, res.body.id));
    expect(audit.map((a) => a.action)).toEqual(['training.dataset.upload']);
  });

  it('accepts a multipart file field, stripping the envelope', async () => {
    const content = rows(5, 100);
    const form = new FormData();
    form.set('name', 'from-curl');
    form.set('file', new Blob([content], { type: 'application/jsonl' }), 'data.jsonl');
    const res = await post('/training/datasets', form, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'from-curl', sizeBytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') });
  });

  it('refuses a body over the size limit with 413 while streaming (chunked, no Content-Length), keeping nothing', async () => {
    process.env.NEUROWEAVER_DATASET_MAX_BYTES = String(64 * 1024);
    try {
      const files = () => readdir(join(dir, 'store', 'files')).catch(() => [] as string[]);
      const before = await files();
      const chunk = new TextEncoder().encode(rows(100));
      const body = new ReadableStream({
        start(controller) {
          // ~8 MiB: far more than the limit, so the server answers while the client is still sending.
          for (let i = 0; i < 1300; i++) controller.enqueue(chunk);
          controller.close();
        },
      });
      const res = await post('/training/datasets', body, { 'content-type': 'application/x-ndjson' });
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'payload_too_large', field: 'dataset' });
      expect(res.body.error.message).toContain('65536 bytes');
      expect(await files()).toEqual(before);
    } finally {
      delete process.env.NEUROWEAVER_DATASET_MAX_BYTES;
    }
  });

  it('refuses a declared Content-Length over 1 GiB at once with 413', async () => {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${url}/api/v1/training/datasets`, { method: 'POST', headers: { authorization: `Bearer ${engineerKey}`, 'content-type': 'application/x-ndjson', 'content-length': String(2 * 1024 ** 3) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(rows(3));
    });
    expect(status).toBe(413);
    expect(JSON.parse(text).error.message).toMatch(/limit of 1073741824 bytes/);
  });

  it('streams through the web-standard adapter too (the Next route handler path)', async () => {
    const content = rows(20, 300);
    const chunk = new TextEncoder().encode(content);
    const body = new ReadableStream({ start: (c) => { c.enqueue(chunk.subarray(0, 100)); c.enqueue(chunk.subarray(100)); c.close(); } });
    const req = new Request('http://app.local/api/v1/training/datasets?name=web', { method: 'POST', body, headers: { authorization: `Bearer ${engineerKey}`, 'content-type': 'text/plain' }, duplex: 'half' } as RequestInit);
    const res = await handleRestRequest(new RestRouter(trainingDatasetRoutes), req, '/training/datasets');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: 'web', sizeBytes: chunk.byteLength, sha256: createHash('sha256').update(content).digest('hex') });
  });

  it('refuses an empty upload and a JSON body, and viewers', async () => {
    const empty = await post('/training/datasets', '', { 'content-type': 'application/x-ndjson' });
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toMatch(/empty/);
    expect((await post('/training/datasets', '{"a":1}', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('/training/datasets', rows(1), { 'content-type': 'text/plain' }, viewerKey)).status).toBe(403);
  });

  it('imports a dataset by file:// URI (inside the allowed roots only)', async () => {
    const content = rows(3, 500);
    const uri = await srcFile('import.jsonl', content);
    const res = await post(`/training/datasets?uri=${encodeURIComponent(uri)}`, undefined, {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ source: 'uri', origin: uri, sha256: createHash('sha256').update(content).digest('hex') });
    const outside = await post(`/training/datasets?uri=${encodeURIComponent('file:///etc/passwd')}`, undefined, {});
    expect(outside.status).toBe(422);
    expect(outside.body.error.message).toMatch(/outside the allowed dataset directories/);
  });
});

describe('prepare stage', () => {
  it('validates, removes duplicates, splits train/eval and reports', async () => {
    const chat = JSON.stringify({ messages: [{ role: 'system', content: 'You are a dealership assistant.' }, { role: 'user', content: 'Do you have the EV6 in stock?' }, { role: 'assistant', content: 'Yes, two in white.' }] });
    const content = rows(40) + rows(5) + `\n${chat}\n   \n${chat}\n`;
    const upload = await uploadDataset(systemMeta, { body: (async function* () { yield new TextEncoder().encode(content); })(), contentType: 'text/plain', name: 'mixed' });
    const pipelineId = crypto.randomUUID();
    const lines: string[] = [];
    const result = await runPrepareStage({ pipelineId, config: { dataset: { kind: 'upload', id: upload.id }, qlora }, log: (l) => void lines.push(l) });
    expect(result.report).toMatchObject({ rows: 47, duplicatesRemoved: 6, uniqueRows: 41, formats: { promptResponse: 40, chat: 1 }, blankLines: 2 });
    expect(result.report.trainRows + result.report.evalRows).toBe(41);
    expect(result.report.evalRows).toBeGreaterThan(0);
    expect(result.report.tokens.max).toBeGreaterThanOrEqual(result.report.tokens.p50);
    expect(result.datasetSha256).toBe(upload.sha256);
    expect(result.relative).toEqual({ dataset: `files/${upload.id}.jsonl`, train: `prepared/${pipelineId}/train.jsonl`, eval: `prepared/${pipelineId}/eval.jsonl`, report: `prepared/${pipelineId}/report.json` });
    const train = (await readFile(result.trainPath, 'utf8')).trim().split('\n');
    const evalRows = (await readFile(result.evalPath, 'utf8')).trim().split('\n');
    expect(train.length).toBe(result.report.trainRows);
    expect(evalRows.length).toBe(result.report.evalRows);
    expect(new Set([...train, ...evalRows]).size).toBe(41);
    expect(lines.join('\n')).toContain('6 duplicates removed');
    // Idempotent: a re-run writes the same split.
    const again = await runPrepareStage({ pipelineId, config: { dataset: { kind: 'upload', id: upload.id }, qlora }, log: noLog });
    expect(again.report).toEqual(result.report);
    expect(await readFile(again.trainPath, 'utf8')).toBe(train.join('\n') + '\n');
  });

  it('reuses its URI copy when run twice for the same pipeline', async () => {
    const uri = await srcFile('twice.jsonl', rows(4, 900));
    const pipelineId = crypto.randomUUID();
    const a = await runPrepareStage({ pipelineId, config: { dataset: { kind: 'uri', uri }, qlora }, log: noLog });
    const b = await runPrepareStage({ pipelineId, config: { dataset: { kind: 'uri', uri }, qlora }, log: noLog });
    expect(b.datasetId).toBe(a.datasetId);
  });

  it('names the line number and the problem of a malformed line', async () => {
    const err = await prepareError(rows(3) + '{"prompt": "Trade-in value?", "response": \n' + rows(2, 10));
    expect(err.message).toMatch(/^Dataset line 4: malformed JSON/);
    expect(err.field).toBe('dataset');
  });

  it.each([
    ['{"prompt": "x"}', /line 3: missing "response"/],
    ['{"prompt": "x", "response": ""}', /line 3: "response" is empty/],
    ['{"prompt": 3, "response": "y"}', /line 3: "prompt" must be a string/],
    ['[1, 2]', /line 3: expected a JSON object .* got an array/],
    ['{"messages": [{"role": "user", "content": "hi"}]}', /line 3: "messages" needs at least a user and an assistant/],
    ['{"messages": [{"role": "user", "content": "hi"}, {"role": "bot", "content": "yo"}]}', /line 3: messages\[1\]\.role must be one of/],
    ['{"messages": [{"role": "user", "content": "hi"}, {"role": "user", "content": "yo"}]}', /line 3: "messages" has no assistant message/],
    ['{"text": "free text"}', /line 3: expected \{"prompt", "response"\} or \{"messages": \[...\]\}; found neither/],
  ])('refuses %s naming line 3', async (line, pattern) => {
    const err = await prepareError(rows(2, 40) + line + '\n' + rows(1, 77));
    expect(err.message).toMatch(pattern);
  });

  it('refuses an empty dataset (no lines, or only blank lines)', async () => {
    expect((await prepareError('')).message).toMatch(/Dataset is empty: the file has no lines/);
    expect((await prepareError('\n  \n\n')).message).toMatch(/Dataset is empty: all 3 lines are blank/);
  });

  it('refuses a URI dataset over the size limit', async () => {
    process.env.NEUROWEAVER_DATASET_MAX_BYTES = '1024';
    try {
      const uri = await srcFile('big.jsonl', rows(100));
      const err = await runPrepareStage({ pipelineId: crypto.randomUUID(), config: { dataset: { kind: 'uri', uri }, qlora }, log: noLog }).catch((e) => e);
      expect(err).toMatchObject({ status: 413, message: expect.stringContaining('1024 bytes') });
    } finally {
      delete process.env.NEUROWEAVER_DATASET_MAX_BYTES;
    }
  });

  it('counts rows longer than the max sequence length', async () => {
    const long = JSON.stringify({ prompt: 'Explain the warranty.', response: 'word '.repeat(2000) });
    const path = join(dir, 'long.jsonl');
    await writeFile(path, rows(3) + long + '\n');
    const report = await validateDataset(path, { maxSeqLength: 512 });
    expect(report.overMaxSeqLength).toBe(1);
    expect(report.tokens.max).toBeGreaterThan(2000);
  });
});
