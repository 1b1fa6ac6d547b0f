import { createHmac, timingSafeEqual } from 'node:crypto';
import { getEnv } from '@/server/env';
import { STAGES, type StageName } from './stages';

/**
 * Per-job trainer tokens (NW_JOB_TOKEN). A token names one stage attempt and carries an HMAC-SHA256 of it
 * keyed with the server secret, so it cannot be forged or moved to another job, and checking it needs no
 * database read (the event endpoint is hot). Whether the attempt is still running — "only while it
 * runs" — is checked separately against the pipeline state (./ingest.ts).
 *
 *   nwt_<base64url("pipelineId:stage:attempt")>.<base64url(hmac)>
 */

export interface TokenSubject {
  pipelineId: string;
  stage: StageName;
  attempt: number;
}

const PREFIX = 'nwt_';

function key(): string {
  return `trainer-token:${getEnv().NEXTAUTH_SECRET}`;
}

function sign(subject: string): Buffer {
  return createHmac('sha256', key()).update(subject).digest();
}

export function issueJobToken(s: TokenSubject): string {
  const subject = `${s.pipelineId}:${s.stage}:${s.attempt}`;
  return `${PREFIX}${Buffer.from(subject).toString('base64url')}.${sign(subject).toString('base64url')}`;
}

/** The stage attempt a token was issued for, or null when it is malformed or its signature is wrong. */
export function verifyJobToken(token: string): TokenSubject | null {
  if (!token.startsWith(PREFIX)) return null;
  const dot = token.indexOf('.', PREFIX.length);
  if (dot < 0) return null;
  const subject = Buffer.from(token.slice(PREFIX.length, dot), 'base64url').toString('utf8');
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = sign(subject);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const [pipelineId, stage, attempt] = subject.split(':');
  const n = Number(attempt);
  if (!pipelineId || !(STAGES as readonly string[]).includes(stage) || !Number.isInteger(n) || n < 1) return null;
  return { pipelineId, stage: stage as StageName, attempt: n };
}
