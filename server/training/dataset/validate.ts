import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ValidationError } from '@/server/errors';

/**
 * The `prepare` stage's dataset check, streamed line by line (the file is never read whole):
 * every non-blank line must be a JSON object with either `{prompt, response}` (non-empty strings) or
 * `{messages: [{role, content}, …]}` (chat: at least one user and one assistant message). The first bad
 * line stops the check with an error naming its number and the problem. Exact duplicates (same
 * normalized row) are dropped; the rest is split deterministically into train/eval by a hash of the row.
 */

export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
/** Characters per token of the estimate (OpenAI's rule of thumb for English text: ~4 characters per token). */
export const CHARS_PER_TOKEN = 4;

export interface DatasetReport {
  /** Non-blank lines read. */
  rows: number;
  blankLines: number;
  duplicatesRemoved: number;
  /** Rows kept after removing duplicates = train + eval. */
  uniqueRows: number;
  trainRows: number;
  evalRows: number;
  formats: { promptResponse: number; chat: number };
  /** Token-length estimate of a row (characters / 4). */
  tokens: { mean: number; p50: number; p95: number; max: number; total: number };
  /** Rows whose estimate exceeds the run's max sequence length (they will be truncated). */
  overMaxSeqLength: number;
  maxSeqLength: number | null;
  evalFraction: number;
}

export interface ValidateOptions {
  /** Directory receiving train.jsonl and eval.jsonl (omit to only check). */
  outDir?: string;
  evalFraction?: number;
  maxSeqLength?: number;
}

const problem = (line: number, text: string) => new ValidationError(`Dataset line ${line}: ${text}`, 'dataset');

type Row = { prompt: string; response: string } | { messages: { role: string; content: string }[] };

/** Checks one parsed line; returns the normalized row and its text length, or throws naming the line. */
export function checkRow(value: unknown, line: number): { row: Row; chars: number; format: 'promptResponse' | 'chat' } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw problem(line, `expected a JSON object with {"prompt", "response"} or {"messages": [...]}, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  }
  const obj = value as Record<string, unknown>;
  if ('messages' in obj) {
    const messages = obj.messages;
    if (!Array.isArray(messages)) throw problem(line, '"messages" must be an array of {role, content}');
    if (messages.length < 2) throw problem(line, '"messages" needs at least a user and an assistant message');
    const out: { role: string; content: string }[] = [];
    let chars = 0;
    messages.forEach((m, i) => {
      if (typeof m !== 'object' || m === null) throw problem(line, `messages[${i}] must be an object {role, content}`);
      const { role, content } = m as Record<string, unknown>;
      if (typeof role !== 'string' || !(CHAT_ROLES as readonly string[]).includes(role)) throw problem(line, `messages[${i}].role must be one of ${CHAT_ROLES.join(', ')}`);
      if (typeof content !== 'string' || content.trim() === '') throw problem(line, `messages[${i}].content must be a non-empty string`);
      chars += content.length;
      out.push({ role, content });
    });
    if (!out.some((m) => m.role === 'user')) throw problem(line, '"messages" has no user message');
    if (!out.some((m) => m.role === 'assistant')) throw problem(line, '"messages" has no assistant message to learn from');
    return { row: { messages: out }, chars, format: 'chat' };
  }
  if (!('prompt' in obj) && !('response' in obj)) throw problem(line, 'expected {"prompt", "response"} or {"messages": [...]}; found neither');
  for (const key of ['prompt', 'response'] as const) {
    if (!(key in obj)) throw problem(line, `missing "${key}"`);
    if (typeof obj[key] !== 'string') throw problem(line, `"${key}" must be a string`);
    if ((obj[key] as string).trim() === '') throw problem(line, `"${key}" is empty`);
  }
  const prompt = obj.prompt as string;
  const response = obj.response as string;
  return { row: { prompt, response }, chars: prompt.length + response.length, format: 'promptResponse' };
}

function normalizedKey(row: Row): string {
  const text = 'messages' in row ? JSON.stringify(row.messages.map((m) => [m.role, m.content.trim().replace(/\s+/g, ' ')])) : JSON.stringify([row.prompt.trim().replace(/\s+/g, ' '), row.response.trim().replace(/\s+/g, ' ')]);
  return createHash('sha256').update(text).digest('base64').slice(0, 22);
}

async function write(out: WriteStream, text: string) {
  if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
}

async function close(out: WriteStream) {
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** Validates the JSONL file at `path`, optionally writing the train/eval split; returns the report. */
export async function validateDataset(path: string, opts: ValidateOptions = {}): Promise<DatasetReport> {
  const evalFraction = opts.evalFraction ?? 0.1;
  let train: WriteStream | null = null;
  let evalOut: WriteStream | null = null;
  const tmp = opts.outDir ? join(opts.outDir, `.tmp-${process.pid}-${Date.now()}`) : null;
  if (tmp) {
    await mkdir(tmp, { recursive: true });
    train = createWriteStream(join(tmp, 'train.jsonl'));
    evalOut = createWriteStream(join(tmp, 'eval.jsonl'));
    // Write errors surface through close(); after a failed check the streams are destroyed mid-write.
    for (const s of [train, evalOut]) s.on('error', () => undefined);
  }
  const seen = new Set<string>();
  // Token lengths as a histogram (length → rows): memory grows with distinct lengths, not with rows.
  const lengths = new Map<number, number>();
  const report: DatasetReport = {
    rows: 0, blankLines: 0, duplicatesRemoved: 0, uniqueRows: 0, trainRows: 0, evalRows: 0,
    formats: { promptResponse: 0, chat: 0 }, tokens: { mean: 0, p50: 0, p95: 0, max: 0, total: 0 },
    overMaxSeqLength: 0, maxSeqLength: opts.maxSeqLength ?? null, evalFraction,
  };
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (let text of lines) {
      lineNo++;
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') { report.blankLines++; continue; }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw problem(lineNo, `malformed JSON (${(error as Error).message})`);
      }
      const { row, chars, format } = checkRow(value, lineNo);
      report.rows++;
      const key = normalizedKey(row);
      if (seen.has(key)) { report.duplicatesRemoved++; continue; }
      seen.add(key);
      report.formats[format]++;
      const tokens = Math.ceil(chars / CHARS_PER_TOKEN);
      lengths.set(tokens, (lengths.get(tokens) ?? 0) + 1);
      if (opts.maxSeqLength && tokens > opts.maxSeqLength) report.overMaxSeqLength++;
      // Deterministic split: the row's hash decides, so a re-run writes the same files.
      const toEval = parseInt(createHash('sha1').update(key).digest('hex').slice(0, 8), 16) / 0xffffffff < evalFraction;
      const outLine = `${JSON.stringify(row)}\n`;
      if (toEval) { report.evalRows++; if (evalOut) await write(evalOut, outLine); }
      else { report.trainRows++; if (train) await write(train, outLine); }
    }
    if (report.rows === 0) throw new ValidationError(`Dataset is empty: ${lineNo === 0 ? 'the file has no lines' : `all ${lineNo} lines are blank`}; it needs at least one {"prompt", "response"} or {"messages"} row`, 'dataset');
    // Tiny datasets: make sure both sides have a row when there are at least two.
    report.uniqueRows = report.trainRows + report.evalRows;
    if (train) await close(train);
    if (evalOut) await close(evalOut);
    if (tmp && opts.outDir) {
      if (report.uniqueRows >= 2 && report.uniqueRows <= 10_000 && (report.evalRows === 0 || report.trainRows === 0)) await rebalance(tmp, report);
      for (const f of ['train.jsonl', 'eval.jsonl']) await rename(join(tmp, f), join(opts.outDir, f));
    } else if (report.uniqueRows >= 2 && report.uniqueRows <= 10_000 && (report.evalRows === 0 || report.trainRows === 0)) {
      report.evalRows = report.evalRows === 0 ? 1 : report.evalRows - 1;
      report.trainRows = report.uniqueRows - report.evalRows;
    }
  } finally {
    lines.close();
    input.destroy();
    train?.destroy();
    evalOut?.destroy();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
  const sorted = [...lengths.entries()].sort((a, b) => a[0] - b[0]);
  const n = report.uniqueRows;
  const total = sorted.reduce((sum, [len, count]) => sum + len * count, 0);
  const pct = (p: number) => {
    const rank = Math.min(n - 1, Math.floor(p * n));
    let seen = 0;
    for (const [len, count] of sorted) {
      seen += count;
      if (seen > rank) return len;
    }
    return sorted[sorted.length - 1][0];
  };
  report.tokens = { mean: Math.round(total / n), p50: pct(0.5), p95: pct(0.95), max: sorted[sorted.length - 1][0], total };
  return report;
}

/** Moves one row from the non-empty side to the empty one; only for small datasets (≤ 10,000 rows), so reading them is cheap. */
async function rebalance(dir: string, report: DatasetReport) {
  const { readFile, writeFile } = await import('node:fs/promises');
  const trainLines = (await readFile(join(dir, 'train.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const evalLines = (await readFile(join(dir, 'eval.jsonl'), 'utf8')).split('\n').filter(Boolean);
  if (evalLines.length === 0) evalLines.push(trainLines.pop()!);
  else trainLines.push(evalLines.pop()!);
  await writeFile(join(dir, 'train.jsonl'), trainLines.map((l) => `${l}\n`).join(''));
  await writeFile(join(dir, 'eval.jsonl'), evalLines.map((l) => `${l}\n`).join(''));
  report.trainRows = trainLines.length;
  report.evalRows = evalLines.length;
}
