import { BadRequestError } from '@/server/errors';

/**
 * A streaming multipart/form-data reader for uploads: yields the bytes of the first file part as they
 * arrive (never buffering the file), and collects small text fields seen before it (at most 64 KiB in
 * all). Enough for `curl -F file=@data.jsonl -F name=…`; browsers use the raw-body form of the route.
 */
export interface MultipartFile {
  filename: string | null;
  contentType: string | null;
  fields: Record<string, string>;
  content: AsyncIterable<Uint8Array>;
}

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;

export function boundaryOf(contentType: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

/** Pulls bytes from a chunk iterator with lookahead. */
class Reader {
  private buf = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Uint8Array>) {}
  async fill(min: number): Promise<boolean> {
    while (this.buf.length < min && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else this.buf = this.buf.length ? Buffer.concat([this.buf, Buffer.from(next.value)]) : Buffer.from(next.value);
    }
    return this.buf.length >= min;
  }
  /** Reads more into the buffer; false at the end of the input. */
  async more(): Promise<boolean> {
    if (this.done) return false;
    const before = this.buf.length;
    await this.fill(before + 1);
    return this.buf.length > before;
  }
  get buffer() { return this.buf; }
  take(n: number): Buffer {
    const head = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return head;
  }
}

function parseHeaders(block: string): { name: string | null; filename: string | null; contentType: string | null } {
  let name: string | null = null;
  let filename: string | null = null;
  let contentType: string | null = null;
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (key === 'content-disposition') {
      name = /\bname="([^"]*)"/i.exec(value)?.[1] ?? null;
      filename = /\bfilename="([^"]*)"/i.exec(value)?.[1] ?? null;
    } else if (key === 'content-type') contentType = value;
  }
  return { name, filename, contentType };
}

export async function readMultipartFile(source: AsyncIterable<Uint8Array>, contentType: string): Promise<MultipartFile> {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new BadRequestError('multipart/form-data without a boundary', 'body');
  const reader = new Reader(source[Symbol.asyncIterator]());
  const dashBoundary = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, string> = {};
  let fieldBytes = 0;

  // Preamble up to the first boundary line.
  for (;;) {
    const at = reader.buffer.indexOf(dashBoundary);
    if (at >= 0) { reader.take(at + dashBoundary.length); break; }
    if (reader.buffer.length > MAX_HEADER_BYTES || !(await reader.more())) throw new BadRequestError('multipart body has no part', 'body');
  }

  for (;;) {
    // After a boundary: "--" ends the body, else CRLF then the part's headers.
    await reader.fill(2);
    if (reader.buffer.subarray(0, 2).toString() === '--') throw new BadRequestError('multipart body has no file part (send the dataset as a file field)', 'file');
    let end = -1;
    while ((end = reader.buffer.indexOf('\r\n\r\n')) < 0) {
      if (reader.buffer.length > MAX_HEADER_BYTES || !(await reader.more())) throw new BadRequestError('malformed multipart part headers', 'body');
    }
    const headers = parseHeaders(reader.take(end + 4).toString('utf8'));
    if (headers.filename !== null) {
      return { filename: headers.filename || null, contentType: headers.contentType, fields, content: partContent(reader, delimiter) };
    }
    // A text field: buffer it (bounded).
    let value: Buffer | null = null;
    for (;;) {
      const at = reader.buffer.indexOf(delimiter);
      if (at >= 0) { value = reader.take(at); reader.take(delimiter.length); break; }
      if (reader.buffer.length > MAX_FIELD_BYTES || !(await reader.more())) throw new BadRequestError('malformed or oversized multipart field', headers.name ?? 'body');
    }
    fieldBytes += value.length;
    if (fieldBytes > MAX_FIELD_BYTES) throw new BadRequestError('multipart text fields exceed 64 KiB', headers.name ?? 'body');
    if (headers.name) fields[headers.name] = value.toString('utf8');
  }
}

async function* partContent(reader: Reader, delimiter: Buffer): AsyncIterable<Uint8Array> {
  for (;;) {
    const at = reader.buffer.indexOf(delimiter);
    if (at >= 0) {
      if (at > 0) yield reader.take(at);
      return;
    }
    // Keep enough bytes to recognise a delimiter split across chunks.
    const safe = reader.buffer.length - delimiter.length;
    if (safe > 0) yield reader.take(safe);
    if (!(await reader.more())) throw new BadRequestError('multipart body ended inside the file part (no closing boundary)', 'file');
  }
}
