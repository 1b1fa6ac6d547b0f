import { describe, expect, it } from 'vitest';
import { readMultipartFile } from './multipart';

const boundary = '----nwBoundary7MA4YWxk';
const body = (file: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nservice-faq\r\n` +
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="data.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n${file}\r\n--${boundary}--\r\n`;

async function* chunks(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(it: AsyncIterable<Uint8Array>) {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('utf8');
}

describe('readMultipartFile', () => {
  const file = '{"prompt":"a","response":"b"}\r\n{"prompt":"c","response":"--not a boundary"}\n';
  it.each([1, 3, 7, 64, 4096])('streams the file part exactly with %i-byte chunks', async (size) => {
    const part = await readMultipartFile(chunks(body(file), size), `multipart/form-data; boundary=${boundary}`);
    expect(part.filename).toBe('data.jsonl');
    expect(part.fields).toEqual({ name: 'service-faq' });
    expect(await collect(part.content)).toBe(file);
  });

  it('refuses a body without a file part or without a closing boundary', async () => {
    const noFile = `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--${boundary}--\r\n`;
    await expect(readMultipartFile(chunks(noFile, 5), `multipart/form-data; boundary=${boundary}`)).rejects.toThrow(/no file part/);
    const cut = body(file).slice(0, -(boundary.length + 10));
    const part = await readMultipartFile(chunks(cut, 8), `multipart/form-data; boundary=${boundary}`);
    await expect(collect(part.content)).rejects.toThrow(/no closing boundary/);
  });
});
