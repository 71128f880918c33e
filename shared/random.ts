// Small seeded PRNG helpers (pure TS: used by the trainer and by dataset splitting). We draw our own random numbers (instead of tf.random*) so that a run
// is reproducible bit-for-bit on every backend and so that filling large dropout masks stays cheap
// (one tight JS loop, one upload) rather than going through seedrandom per element.

/** mulberry32: tiny, fast, good enough for shuffling, initialisation and dropout masks. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes several integers into one 32-bit seed (murmur3-style finaliser per part), so that nearby
 * inputs such as (seed, step, site) and (seed, step, site + 1) give unrelated streams.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    let k = Math.imul((part | 0) ^ Math.floor(part / 4294967296), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Fills a Float32Array with uniform draws in [0, 1) on a 2^-24 grid: exactly representable in
 * float32, so no draw rounds up to 1. Same generator as mulberry32, inlined because dropout
 * masks need millions of draws per step.
 */
export function uniformArray(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 8) * 5.9604644775390625e-8; // / 2^24
  }
  return out;
}

/** Normal draws (Box-Muller) scaled by `std`, for seeded weight initialisation. */
export function normalArray(size: number, std: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const u1 = Math.max(next(), 1e-12);
    const u2 = next();
    const radius = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < size) out[i + 1] = radius * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** Fisher-Yates shuffle of 0..n-1 driven by `next`. */
export function shuffledIndices(n: number, next: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Fisher-Yates shuffle in place, driven by `next`. */
export function shuffleInPlace<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
