/**
 * The caching layer: holds recent reads and writes in the task's record cache so that repeated
 * updates of a key between two commits reach the layers below (and the changelog, and downstream
 * processors through the flush listener) only once, with the latest value. This is what keeps an
 * aggregation over a hot key from emitting and logging every intermediate result.
 *
 * Dirty entries are written through on `flush()` (before each commit) in the order of their last
 * update, or earlier when the cache is full and evicts them. Each write-through calls the flush
 * listener with the new value and the value the layers below held until then.
 */
import type { Headers } from '../broker/types.js';
import { derivedContext, type KeyValueStoreContext } from './store-context.js';
import {
  type CacheFlushListener,
  type ChangelogRestoreTarget,
  type KeyValue,
  type KeyValueBytesStore,
  NO_HEADERS,
} from './key-value-store.js';
import { cacheRestoreTarget } from './cache-restore-target.js';
import { type CacheMember, RecordCache } from './record-cache.js';
import { keyString, SortedKeySet } from './sorted-key-set.js';

/** Rough per-entry cost beyond key and value bytes (entry object, map and set slots). */
const ENTRY_OVERHEAD_BYTES = 64;

interface CacheEntry {
  readonly key: Buffer;
  /** `null`: the key was deleted (a dirty entry until flushed). */
  readonly value: Buffer | null;
  dirty: boolean;
  /**
   * What the layers below hold for the key, when known without reading them: the value of the clean
   * entry a write replaced (`null`: known absent). Saves the read of the old value at write-through.
   */
  readonly below: Buffer | null | undefined;
  readonly timestamp: number;
  /** Those of the record behind the latest write (a reference, not a copy), for the listener. */
  readonly headers: Headers;
  readonly size: number;
}

export class CachingKeyValueStore implements KeyValueBytesStore, CacheMember {
  /** Least recently used first (a `Map` iterates in insertion order; a touch re-inserts). */
  private readonly entries = new Map<string, CacheEntry>();
  /** Dirty keys, least recently updated first: the flush order. */
  private readonly dirty = new Set<string>();
  /**
   * The same dirty keys, sorted: what `range` overlays on the store below. Built by the first
   * `range` and kept up to date from then on, so stores that are never scanned never pay for it.
   */
  private dirtySorted: SortedKeySet | undefined;
  private bytes = 0;
  private cache: RecordCache | undefined;
  private listener: CacheFlushListener<Buffer, Buffer> | undefined;
  private now: () => number = Date.now;
  /** While an entry is written through: its timestamp, which the layers below must see. */
  private flushingTimestamp: number | undefined;

  constructor(private readonly inner: KeyValueBytesStore) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  async init(context: KeyValueStoreContext): Promise<void> {
    this.now = context.recordTimestamp ?? Date.now;
    this.cache = context.recordCache ?? new RecordCache();
    await this.inner.init(
      derivedContext(context, { recordTimestamp: () => this.flushingTimestamp ?? this.now() }),
    );
  }

  setFlushListener(listener: CacheFlushListener<Buffer, Buffer>): boolean {
    this.listener = listener;
    return true;
  }

  get(key: Buffer): Buffer | undefined {
    const cache = this.recordCache();
    const k = keyString(key);
    const entry = this.entries.get(k);
    if (entry !== undefined) {
      cache.recordHit();
      this.entries.delete(k);
      this.entries.set(k, entry);
      return entry.value ?? undefined;
    }
    cache.recordMiss();
    const value = this.inner.get(key);
    if (value !== undefined) {
      this.insert(k, { key, value, dirty: false, below: value, timestamp: this.now(), headers: NO_HEADERS, size: sizeOf(key, value) });
    }
    return value;
  }

  put(key: Buffer, value: Buffer, headers: Headers = NO_HEADERS): void {
    this.write(key, value, headers);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.write(key, value, NO_HEADERS);
    return existing;
  }

  delete(key: Buffer, headers: Headers = NO_HEADERS): Buffer | undefined {
    const existing = this.get(key);
    // Nothing to delete: no tombstone to log or forward.
    if (existing !== undefined) this.write(key, null, headers);
    return existing;
  }

  *range(from: Buffer | undefined, to: Buffer | undefined): IterableIterator<KeyValue<Buffer, Buffer>> {
    // Clean entries equal what the store below holds, so only dirty ones need overlaying.
    const cached = this.sortedDirtyKeys().range(
      from === undefined ? undefined : keyString(from),
      to === undefined ? undefined : keyString(to),
    );
    const stored = this.inner.range(from, to);
    let c = cached.next();
    let s = stored.next();
    for (;;) {
      if (!c.done && !this.entries.has(c.value)) {
        c = cached.next(); // evicted while we iterated: the store below has it now
        continue;
      }
      if (s.done && c.done) return;
      if (!s.done && (c.done || Buffer.compare(this.entries.get(c.value)!.key, s.value.key) > 0)) {
        yield s.value;
        s = stored.next();
        continue;
      }
      const entry = this.entries.get(c.value as string)!;
      // The cached value shadows the stored one.
      if (!s.done && entry.key.equals(s.value.key)) s = stored.next();
      c = cached.next();
      if (entry.value !== null) yield { key: entry.key, value: entry.value };
    }
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.range(undefined, undefined);
  }

  /** The store below's count, corrected by the dirty entries (one read below per dirty key). */
  approximateNumEntries(): number {
    let count = this.inner.approximateNumEntries();
    for (const k of this.dirty) {
      const entry = this.entries.get(k)!;
      const stored = this.inner.get(entry.key) !== undefined;
      if (entry.value !== null && !stored) count += 1;
      else if (entry.value === null && stored) count -= 1;
    }
    return count;
  }

  async flush(): Promise<void> {
    // Entries re-dirtied by a listener while this runs are flushed too when their turn comes;
    // keys dirtied for the first time stay for the next flush.
    for (const k of [...this.dirty]) {
      const entry = this.entries.get(k);
      if (entry?.dirty) this.writeThrough(k, entry);
    }
    await this.inner.flush();
  }

  evictEldest(): boolean {
    const eldest = this.entries.entries().next();
    if (eldest.done) return false;
    const [k, entry] = eldest.value;
    this.drop(k, entry);
    if (entry.dirty) this.writeThrough(k, entry);
    return true;
  }

  /**
   * Restore writes below this layer; cached entries of the keys it touches would then be stale,
   * so they are dropped (usually there are none: restore runs before processing).
   */
  restoreTarget(): ChangelogRestoreTarget {
    return cacheRestoreTarget(this.inner.restoreTarget(), this.entries, {
      forget: (k, entry) => {
        this.drop(k, entry);
        this.dirty.delete(k);
        this.dirtySorted?.delete(k);
      },
      clear: () => this.clear(),
    });
  }

  /** Dirty entries are dropped, like unflushed writes below (see `LevelDbKeyValueStore.close`). */
  async close(): Promise<void> {
    this.clear();
    await this.inner.close();
  }

  private clear(): void {
    this.entries.clear();
    this.dirty.clear();
    this.dirtySorted = undefined;
    this.cache?.release(this.bytes);
    this.bytes = 0;
  }

  private write(key: Buffer, value: Buffer | null, headers: Headers): void {
    const k = keyString(key);
    const previous = this.entries.get(k);
    if (previous !== undefined) this.drop(k, previous);
    const below = previous === undefined ? undefined : previous.dirty ? previous.below : previous.value;
    // Marked dirty before the insert, which may evict (and so flush) this very entry at once.
    this.dirty.delete(k);
    this.dirty.add(k);
    this.dirtySorted?.add(k);
    this.insert(k, { key, value, dirty: true, below, timestamp: this.now(), headers, size: sizeOf(key, value) });
  }

  private insert(k: string, entry: CacheEntry): void {
    this.entries.set(k, entry);
    this.bytes += entry.size;
    this.recordCache().grow(this, entry.size);
  }

  private drop(k: string, entry: CacheEntry): void {
    this.entries.delete(k);
    this.bytes -= entry.size;
    this.recordCache().release(entry.size);
  }

  /** Writes a dirty entry to the layers below and tells the listener. */
  private writeThrough(k: string, entry: CacheEntry): void {
    entry.dirty = false;
    this.dirty.delete(k);
    this.dirtySorted?.delete(k);
    const oldValue = entry.below === undefined ? this.inner.get(entry.key) : (entry.below ?? undefined);
    this.flushingTimestamp = entry.timestamp;
    try {
      if (entry.value !== null) this.inner.put(entry.key, entry.value);
      else if (oldValue !== undefined) this.inner.delete(entry.key);
    } finally {
      this.flushingTimestamp = undefined;
    }
    // A flushed delete has nothing left to cache.
    if (entry.value === null && this.entries.get(k) === entry) this.drop(k, entry);
    if (this.listener !== undefined && (entry.value !== null || oldValue !== undefined)) {
      this.listener(entry.key, entry.value ?? undefined, oldValue, entry.timestamp, entry.headers);
    }
  }

  private sortedDirtyKeys(): SortedKeySet {
    if (this.dirtySorted === undefined) {
      this.dirtySorted = new SortedKeySet();
      for (const k of this.dirty) this.dirtySorted.add(k);
    }
    return this.dirtySorted;
  }

  private recordCache(): RecordCache {
    if (this.cache === undefined) throw new Error(`store '${this.name}' is not initialized`);
    return this.cache;
  }
}

function sizeOf(key: Buffer, value: Buffer | null): number {
  return key.length + (value?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
}
