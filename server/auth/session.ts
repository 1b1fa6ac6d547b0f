import { decode } from 'next-auth/jwt';
import { getEnv } from '@/server/env';
import type { Actor } from './actor';
import { authenticateApiKey } from './api-keys';
import { actorForUser } from './users';

const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return out;
}

/** next-auth splits large tokens into `name.0`, `name.1`…; join them back. */
function sessionToken(cookies: Map<string, string>): string | null {
  for (const name of SESSION_COOKIES) {
    if (cookies.has(name)) return cookies.get(name)!;
    const chunks = [...cookies.keys()].filter((k) => k.startsWith(`${name}.`)).sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
    if (chunks.length) return chunks.map((k) => cookies.get(k)).join('');
  }
  return null;
}

export async function actorFromSessionCookie(cookieHeader: string | null): Promise<Actor | null> {
  const token = sessionToken(parseCookies(cookieHeader));
  if (!token) return null;
  try {
    const payload = await decode({ token, secret: getEnv().NEXTAUTH_SECRET });
    if (!payload?.sub || (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now())) return null;
    return actorForUser(payload.sub);
  } catch {
    return null;
  }
}

export type Credentials = { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'malformed' };

export function readBearer(authorization: string | null): Credentials {
  if (!authorization) return { kind: 'none' };
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m ? { kind: 'bearer', token: m[1] } : { kind: 'malformed' };
}

/**
 * Resolves the caller of a machine or browser request: `Authorization: Bearer nw_…` (API key) first,
 * else the next-auth session cookie. Returns null when neither identifies anyone.
 */
export async function authenticateRequest(headers: { get(name: string): string | null }): Promise<Actor | null | 'bad-credentials'> {
  const bearer = readBearer(headers.get('authorization'));
  if (bearer.kind === 'malformed') return 'bad-credentials';
  if (bearer.kind === 'bearer') return (await authenticateApiKey(bearer.token)) ?? 'bad-credentials';
  return actorFromSessionCookie(headers.get('cookie'));
}
