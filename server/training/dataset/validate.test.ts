import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDataset } from './validate';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nw-validate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// prompt + response of `chars` characters in all → ceil(chars / 4) tokens.
const row = (i: number, chars: number) => JSON.stringify({ prompt: `q${i}`.padEnd(Math.floor(chars / 2), '.'), response: 'r'.padEnd(chars - Math.floor(chars / 2), '.') });

describe('validateDataset token estimate', () => {
  it('computes mean, p50, p95, max and total from the length histogram', async () => {
    const path = join(dir, 'lengths.jsonl');
    // 18 rows of 40 chars (10 tokens), 1 of 400 (100 tokens), 1 of 4000 (1000 tokens).
    const lines = [...Array.from({ length: 18 }, (_, i) => row(i, 40)), row(100, 400), row(101, 4000)];
    await writeFile(path, lines.join('\n'));
    const r = await validateDataset(path, { maxSeqLength: 512 });
    expect(r.tokens).toEqual({ mean: Math.round((18 * 10 + 100 + 1000) / 20), p50: 10, p95: 1000, max: 1000, total: 18 * 10 + 100 + 1000 });
    expect(r.overMaxSeqLength).toBe(1);
    expect(r.uniqueRows).toBe(20);
  });
});
