import { createHash, randomBytes } from 'node:crypto';
import { mulberry32 } from '@/server/seeded-random';

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += SAFE[b % SAFE.length];
  return out;
}

/** A stable short hash in the same alphabet, as used for `pod-template-hash`. */
export function safeHash(input: string, length = 10): string {
  const digest = createHash('sha256').update(input).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[digest[i] % SAFE.length];
  return out;
}

export function hashSeed(input: string): number {
  return createHash('sha256').update(input).digest().readUInt32LE(0);
}

/** Deterministic PRNG (mulberry32) so simulated curves and answers repeat for the same seed. */
export function seededRandom(seed: number | string): () => number {
  return mulberry32(typeof seed === 'string' ? hashSeed(seed) : seed);
}

/** Standard normal sample (Box-Muller) from a uniform source. */
export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
