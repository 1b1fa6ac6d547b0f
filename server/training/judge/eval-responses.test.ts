import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvalResponses } from './eval-responses';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nw-evaluate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readEvalResponses', () => {
  it('reads eval_responses.jsonl from an evaluate artifact directory', async () => {
    await writeFile(join(dir, 'eval_responses.jsonl'), '{"promptId":"sales-01","category":"sales","prompt":"Q1","candidate":"C1","baseline":"B1"}\n\n{"prompt":"Q2","candidate":"C2","baseline":"B2"}\n');
    expect(await readEvalResponses(`${pathToFileURL(dir).href}/`)).toEqual([
      { promptId: 'sales-01', category: 'sales', prompt: 'Q1', candidate: 'C1', baseline: 'B1' },
      { promptId: null, category: 'custom', prompt: 'Q2', candidate: 'C2', baseline: 'B2' },
    ]);
  });
  it('returns null without a local file (simulated trainer, remote artifacts)', async () => {
    expect(await readEvalResponses(pathToFileURL(join(dir, 'nope')).href)).toBeNull();
    expect(await readEvalResponses('s3://bucket/pipelines/x/evaluate/')).toBeNull();
  });
  it('names the bad line and field', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"prompt":"Q","candidate":"C","baseline":"B"}\n{"prompt":"Q","candidate":"C"}\n');
    await expect(readEvalResponses(pathToFileURL(bad).href)).rejects.toMatchObject({ message: expect.stringMatching(/eval_responses\.jsonl line 2: needs string "prompt", "candidate" and "baseline"/), field: 'evalResponses' });
    await writeFile(bad, 'not json\n');
    await expect(readEvalResponses(pathToFileURL(bad).href)).rejects.toThrow(/line 1: malformed JSON/);
  });
});
