/**
 * A task's record cache: one byte budget shared by the caching layers of all the task's stores.
 * Each store keeps its own entries; this class keeps the total and decides who evicts.
 *
 * Like Kafka Streams' ThreadCache, an overflow is settled by the store that caused it: its least
 * recently used entries go (possibly the one just written), never another store's, whose
 * listener would then fire in the middle of an unrelated write. A budget of 0 turns caching off:
 * every write is evicted, so flushed and forwarded, at once.
 */

export const DEFAULT_RECORD_CACHE_MAX_BYTES = 10 * 1024 * 1024;

/** What a caching store lets the shared cache do to it. */
export interface CacheMember {
  /**
   * Drops the least recently used entry, releasing its bytes before flushing it if dirty (a flush
   * forwards downstream, which may write to the cache again). Returns false when it has none.
   */
  evictEldest(): boolean;
}

export interface RecordCacheMetrics {
  readonly maxBytes: number;
  readonly usedBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

export class RecordCache {
  private used = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(readonly maxBytes: number = DEFAULT_RECORD_CACHE_MAX_BYTES) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new RangeError(`record cache size must be a non-negative number of bytes, got ${maxBytes}`);
    }
  }

  recordHit(): void {
    this.hits += 1;
  }

  recordMiss(): void {
    this.misses += 1;
  }

  /** Accounts for `bytes` added by `member`, then has it evict until the cache fits. */
  grow(member: CacheMember, bytes: number): void {
    this.used += bytes;
    while (this.used > this.maxBytes && member.evictEldest()) this.evictions += 1;
  }

  /** Accounts for entries a member dropped (evicted, flushed deletes, or all of them at close). */
  release(bytes: number): void {
    this.used -= bytes;
  }

  metrics(): RecordCacheMetrics {
    return { maxBytes: this.maxBytes, usedBytes: this.used, hits: this.hits, misses: this.misses, evictions: this.evictions };
  }
}
