// Loaded predictors, least recently used first out. Loading a checkpoint costs far more than a
// prediction, so the Playground's back-and-forth between a few runs should not reload; but a
// pretrained encoder holds hundreds of MB, so the cache is bounded by bytes as well as count.
import type { Predictor } from './predictor';

export interface PredictorCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_CACHE_LIMITS: PredictorCacheLimits = { maxEntries: 6, maxBytes: 1.5 * 1024 ** 3 };

export class PredictorCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  private readonly entries = new Map<string, Predictor>();

  constructor(private readonly limits: PredictorCacheLimits = DEFAULT_CACHE_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  async get(key: string, load: () => Predictor | Promise<Predictor>): Promise<Predictor> {
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const loaded = await load();
    this.entries.set(key, loaded);
    this.evict(key);
    return loaded;
  }

  /** Drops least recently used entries until within limits; the one just used always stays. */
  private evict(keep: string): void {
    let bytes = [...this.entries.values()].reduce((sum, p) => sum + p.bytes, 0);
    for (const [key, predictor] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && bytes <= this.limits.maxBytes) break;
      if (key === keep) continue;
      this.entries.delete(key);
      bytes -= predictor.bytes;
      predictor.dispose();
    }
  }

  clear(): void {
    for (const predictor of this.entries.values()) predictor.dispose();
    this.entries.clear();
  }
}
