/**
 * Deterministic assignment: MurmurHash3 (x86, 32-bit, seed 0) of the UTF-8 bytes of `${salt}:${unit}`,
 * mapped to [0, 1) and then to weighted buckets. Pure and dependency-free, so every process (web, API
 * server, workers, a restarted one) answers the same for the same test and unit. Murmur3's finaliser
 * gives full avalanche, so the high bits used for the bucket are uniform (checked by a χ² test).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3 of `bytes`, or of its first `len` bytes. */
export function murmur3(bytes: Uint8Array, seed = 0, len = bytes.length): number {
  let h = seed >>> 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (len & 3) {
    case 3:
      k ^= bytes[blocks + 2] << 16;
    // falls through
    case 2:
      k ^= bytes[blocks + 1] << 8;
    // falls through
    case 1:
      k ^= bytes[blocks];
      k = Math.imul(k, C1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, C2);
      h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const encoder = new TextEncoder();
/**
 * The UTF-8 bytes of each text are written here instead of into a new array per call (encode() allocates
 * on every assignment). Same encoder, so the same bytes, lone surrogates included (U+FFFD).
 */
let scratch = new Uint8Array(1024);

/** The unit's position in [0, 1) for this test's salt. */
export function unitPosition(salt: string, unit: string): number {
  const text = `${salt}:${unit}`;
  // UTF-8 needs at most 3 bytes per UTF-16 code unit, so the whole text fits and `written` is all of it.
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return murmur3(scratch, 0, written) / 2 ** 32;
}

/** Index of the bucket holding `u` when [0, 1) is cut in consecutive slices of the given weights. */
export function bucketOf(u: number, weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let edge = 0;
  for (let i = 0; i < weights.length - 1; i++) {
    edge += weights[i] / total;
    if (u < edge) return i;
  }
  return weights.length - 1;
}

/** The variant index a unit is assigned to: same salt, unit and weights, same answer everywhere. */
export function assignIndex(salt: string, unit: string, weights: readonly number[]): number {
  return bucketOf(unitPosition(salt, unit), weights);
}
