import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGeneratedSamples } from './generated-samples';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nw-generate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readGeneratedSamples', () => {
  it('reads responses.jsonl from a generate artifact directory', async () => {
    await writeFile(join(dir, 'responses.jsonl'), '{"prompt":"Q1","response":"A1","category":"sales","promptId":"sales-01"}\n\n{"prompt":"Q2","response":"A2"}\n');
    expect(await readGeneratedSamples(pathToFileURL(dir).href)).toEqual([
      { prompt: 'Q1', response: 'A1', category: 'sales', promptId: 'sales-01' },
      { prompt: 'Q2', response: 'A2' },
    ]);
  });
  it('returns null without a local responses file (simulated trainer, remote artifacts)', async () => {
    expect(await readGeneratedSamples(pathToFileURL(join(dir, 'nope')).href)).toBeNull();
    expect(await readGeneratedSamples('s3://bucket/pipelines/x/generate/')).toBeNull();
  });
  it('names the bad line', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"prompt":"Q","response":"A"}\n{"prompt":"Q"}\n');
    await expect(readGeneratedSamples(pathToFileURL(bad).href)).rejects.toThrow(/line 2: needs string "prompt" and "response"/);
  });
});
