/**
 * mulberry32: a small, fast, deterministic 32-bit generator for simulations, demo data and fixtures (never
 * for anything secret). Streams for nearby seeds are unrelated — a multiplicative LCG seeded with 1000,
 * 1001, … yields lattice-correlated streams, which skews chunked demo data.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
