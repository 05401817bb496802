/**
 * The caching layer of window stores (Kafka Streams' CachingWindowStore): recent reads and writes
 * live in the task's record cache, so a hot window updated many times between two commits reaches
 * the layers below, the changelog and (through the flush listener) downstream processors once per
 * commit, with its latest value. A windowed count over skewed keys then does a map lookup per
 * record instead of a store write, a changelog record and an output record.
 *
 * Dirty entries are written through on `flush()` in the order of their last update, or earlier
 * when the cache is full and evicts them; each write-through tells the listener the new value and
 * the value the layers below held until then. A window that expired while dirty is still
 * forwarded; the store below then drops the write, as it drops any write older than retention.
 *
 * Retention is applied here as below: this layer tracks the highest segment time written through
 * it, so writes and reads of windows older than retention behind it are ignored at once rather
 * than at the next flush.
 */
import type { Headers } from '../broker/types.js';
import { type CacheFlushListener, type ChangelogRestoreTarget, type KeyValue, NO_HEADERS } from './key-value-store.js';
import { cacheRestoreTarget } from './cache-restore-target.js';
import { type CacheMember, RecordCache } from './record-cache.js';
import type { SegmentedBytesStore, SegmentKeySchema } from './segmented-bytes-store.js';
import { keyString, SortedKeySet } from './sorted-key-set.js';
import { derivedContext, type KeyValueStoreContext } from './store-context.js';

/** Rough per-entry cost beyond key and value bytes (entry object, map slot, list links). */
const ENTRY_OVERHEAD_BYTES = 80;

/**
 * A cached window. Entries are updated in place and linked into two lists: all entries, least
 * recently used first (eviction order), and dirty ones, least recently updated first (flush
 * order). Moving an entry within a list is a few pointer writes, where re-inserting it in a `Map`
 * or `Set` would cost hash-table work on every read and write of a hot window.
 */
interface CacheEntry {
  readonly k: string;
  /** The composite key, as the layers below take it. */
  readonly key: Buffer;
  /** `null`: the window was deleted (a dirty entry until flushed). */
  value: Buffer | null;
  dirty: boolean;
  /** What the layers below hold, when known without reading them (`null`: known absent). */
  below: Buffer | null | undefined;
  timestamp: number;
  /** Those of the record behind the latest write (a reference, not a copy), for the listener. */
  headers: Headers;
  size: number;
  older: CacheEntry | undefined;
  newer: CacheEntry | undefined;
  olderDirty: CacheEntry | undefined;
  newerDirty: CacheEntry | undefined;
}

export class CachingSegmentedBytesStore implements SegmentedBytesStore, CacheMember {
  private readonly entries = new Map<string, CacheEntry>();
  private eldest: CacheEntry | undefined;
  private youngest: CacheEntry | undefined;
  private eldestDirty: CacheEntry | undefined;
  private youngestDirty: CacheEntry | undefined;
  /** The dirty keys sorted, for `range`: built by the first `range`, maintained from then on. */
  private dirtySorted: SortedKeySet | undefined;
  private bytes = 0;
  private cache: RecordCache | undefined;
  private listener: CacheFlushListener<Buffer, Buffer> | undefined;
  private now: () => number = Date.now;
  private flushingTimestamp: number | undefined;
  /** Highest segment time put through this layer (the layers below see it only at flush). */
  private observed = -1;
  /** The key of the last `get` that found nothing, here or below: a `put` right after knows what is below. */
  private lastAbsent: string | undefined;
  /** The last composite key and its string: a `get` and the `put` after it pass the same Buffer. */
  private lastKey: Buffer | undefined;
  private lastKeyString = '';

  constructor(
    private readonly inner: SegmentedBytesStore,
    private readonly schema: SegmentKeySchema,
    readonly retentionMs: number,
    readonly segmentIntervalMs: number,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get observedStreamTime(): number {
    return Math.max(this.observed, this.inner.observedStreamTime);
  }

  async init(context: KeyValueStoreContext): Promise<void> {
    this.now = context.recordTimestamp ?? Date.now;
    this.cache = context.recordCache ?? new RecordCache();
    await this.inner.init(derivedContext(context, { recordTimestamp: () => this.flushingTimestamp ?? this.now() }));
  }

  setFlushListener(listener: CacheFlushListener<Buffer, Buffer>): boolean {
    this.listener = listener;
    return true;
  }

  minLiveTime(): number {
    return Math.max(0, this.observedStreamTime - this.retentionMs + 1);
  }

  put(compositeKey: Buffer, value: Buffer | null, headers: Headers = NO_HEADERS): boolean {
    const time = this.schema.segmentTime(compositeKey);
    if (time < this.minLiveTime()) return false;
    if (time > this.observed) this.observed = time;
    const k = this.stringOf(compositeKey);
    const knownAbsent = this.lastAbsent === k;
    this.lastAbsent = undefined;
    const size = compositeKey.length + (value?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
    let entry = this.entries.get(k);
    if (entry === undefined) {
      entry = newEntry(k, compositeKey, value, knownAbsent ? null : undefined);
      this.entries.set(k, entry);
      this.linkYoungest(entry);
    } else {
      // The entry keeps its own key Buffer (same bytes): swapping in the caller's would keep a
      // fresh Buffer alive per update of a hot window, which the young-generation GC then copies.
      if (!entry.dirty) entry.below = entry.value;
      entry.value = value;
      this.touch(entry);
    }
    entry.timestamp = this.now();
    entry.headers = headers;
    this.markDirty(entry);
    this.resize(entry, size);
    return true;
  }

  get(compositeKey: Buffer): Buffer | undefined {
    if (this.schema.segmentTime(compositeKey) < this.minLiveTime()) return undefined;
    const cache = this.recordCache();
    const k = this.stringOf(compositeKey);
    const entry = this.entries.get(k);
    if (entry !== undefined) {
      cache.recordHit();
      this.touch(entry);
      return entry.value ?? undefined;
    }
    cache.recordMiss();
    const value = this.inner.get(compositeKey);
    if (value === undefined) {
      this.lastAbsent = k;
    } else {
      const clean = newEntry(k, compositeKey, value, value);
      clean.timestamp = this.now();
      this.entries.set(k, clean);
      this.linkYoungest(clean);
      this.resize(clean, compositeKey.length + value.length + ENTRY_OVERHEAD_BYTES);
    }
    return value;
  }

  /**
   * The store below's entries with the dirty cached ones overlaid (clean ones equal what is below),
   * in the same order: segment, then key.
   */
  *range(
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    const firstSegment = this.segmentOf(Math.max(timeFrom, this.minLiveTime()));
    const lastSegment = this.segmentOf(Math.min(timeTo, this.observedStreamTime));
    const overlay: { segment: number; k: string; entry: CacheEntry }[] = [];
    const keys = this.sortedDirtyKeys().range(keyFrom === undefined ? undefined : keyString(keyFrom), keyTo === undefined ? undefined : keyString(keyTo));
    for (const k of keys) {
      const entry = this.entries.get(k)!;
      const segment = this.segmentOf(this.schema.segmentTime(entry.key));
      if (segment >= firstSegment && segment <= lastSegment) overlay.push({ segment, k, entry });
    }
    overlay.sort((a, b) => a.segment - b.segment || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));

    const stored = this.inner.range(keyFrom, keyTo, timeFrom, timeTo);
    let s = stored.next();
    let sSegment = s.done ? 0 : this.segmentOf(this.schema.segmentTime(s.value.key));
    let sKey = s.done ? '' : keyString(s.value.key);
    const advance = () => {
      s = stored.next();
      if (!s.done) {
        sSegment = this.segmentOf(this.schema.segmentTime(s.value.key));
        sKey = keyString(s.value.key);
      }
    };
    for (const { segment, k, entry } of overlay) {
      while (!s.done && (sSegment < segment || (sSegment === segment && sKey < k))) {
        yield s.value;
        advance();
      }
      // The cached value shadows the stored one.
      if (!s.done && sSegment === segment && sKey === k) advance();
      if (entry.value !== null) yield { key: entry.key, value: entry.value };
    }
    while (!s.done) {
      yield s.value;
      advance();
    }
  }

  restoreTarget(): ChangelogRestoreTarget {
    return cacheRestoreTarget(this.inner.restoreTarget(), this.entries, {
      forget: (_k, entry) => this.remove(entry),
      afterForget: () => (this.lastAbsent = undefined),
      clear: () => {
        this.clear();
        this.observed = -1;
      },
    });
  }

  async flush(): Promise<void> {
    // Entries a listener re-dirties while this runs are flushed too when their turn comes;
    // entries dirtied for the first time meanwhile stay for the next flush.
    const flushing: CacheEntry[] = [];
    for (let entry = this.eldestDirty; entry !== undefined; entry = entry.newerDirty) flushing.push(entry);
    for (const entry of flushing) if (entry.dirty) this.writeThrough(entry);
    await this.inner.flush();
  }

  evictEldest(): boolean {
    const eldest = this.eldest;
    if (eldest === undefined) return false;
    // Dropped first: flushing forwards downstream, which may write to the cache again.
    const dirty = eldest.dirty;
    this.remove(eldest);
    if (dirty) this.writeThrough(eldest);
    return true;
  }

  /** Dirty entries are dropped, like unflushed writes below. */
  async close(): Promise<void> {
    this.clear();
    await this.inner.close();
  }

  private clear(): void {
    this.entries.clear();
    this.eldest = this.youngest = this.eldestDirty = this.youngestDirty = undefined;
    this.dirtySorted = undefined;
    this.lastAbsent = undefined;
    this.lastKey = undefined;
    this.cache?.release(this.bytes);
    this.bytes = 0;
  }

  private stringOf(compositeKey: Buffer): string {
    if (compositeKey !== this.lastKey) {
      this.lastKey = compositeKey;
      this.lastKeyString = keyString(compositeKey);
    }
    return this.lastKeyString;
  }

  /** Accounts for the entry's new size; growing may make the cache evict (this very entry, even). */
  private resize(entry: CacheEntry, size: number): void {
    const delta = size - entry.size;
    entry.size = size;
    this.bytes += delta;
    if (delta > 0) this.recordCache().grow(this, delta);
    else if (delta < 0) this.recordCache().release(-delta);
  }

  /** Takes the entry out of the cache (and of the dirty list): its bytes are released. */
  private remove(entry: CacheEntry): void {
    this.entries.delete(entry.k);
    this.unlink(entry);
    if (entry.dirty) this.unmarkDirty(entry);
    this.bytes -= entry.size;
    this.recordCache().release(entry.size);
    entry.size = 0;
  }

  /** Writes a dirty entry (cached or just evicted) to the layers below and tells the listener. */
  private writeThrough(entry: CacheEntry): void {
    if (entry.dirty) this.unmarkDirty(entry);
    const oldValue = entry.below === undefined ? this.inner.get(entry.key) : (entry.below ?? undefined);
    const { key, value, timestamp, headers } = entry;
    entry.below = value;
    this.flushingTimestamp = timestamp;
    try {
      if (value !== null || oldValue !== undefined) this.inner.put(key, value);
    } finally {
      this.flushingTimestamp = undefined;
    }
    // A flushed delete has nothing left to cache.
    if (value === null && this.entries.get(entry.k) === entry) this.remove(entry);
    if (this.listener !== undefined && (value !== null || oldValue !== undefined)) this.listener(key, value ?? undefined, oldValue, timestamp, headers);
  }

  private markDirty(entry: CacheEntry): void {
    if (entry.dirty) {
      if (entry === this.youngestDirty) return;
      this.unmarkDirty(entry);
    }
    entry.dirty = true;
    entry.olderDirty = this.youngestDirty;
    entry.newerDirty = undefined;
    if (this.youngestDirty === undefined) this.eldestDirty = entry;
    else this.youngestDirty.newerDirty = entry;
    this.youngestDirty = entry;
    this.dirtySorted?.add(entry.k);
  }

  private unmarkDirty(entry: CacheEntry): void {
    entry.dirty = false;
    if (entry.olderDirty === undefined) this.eldestDirty = entry.newerDirty;
    else entry.olderDirty.newerDirty = entry.newerDirty;
    if (entry.newerDirty === undefined) this.youngestDirty = entry.olderDirty;
    else entry.newerDirty.olderDirty = entry.olderDirty;
    entry.olderDirty = entry.newerDirty = undefined;
    this.dirtySorted?.delete(entry.k);
  }

  private linkYoungest(entry: CacheEntry): void {
    entry.older = this.youngest;
    entry.newer = undefined;
    if (this.youngest === undefined) this.eldest = entry;
    else this.youngest.newer = entry;
    this.youngest = entry;
  }

  private unlink(entry: CacheEntry): void {
    if (entry.older === undefined) this.eldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === undefined) this.youngest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = entry.newer = undefined;
  }

  /** Marks the entry most recently used. */
  private touch(entry: CacheEntry): void {
    if (entry === this.youngest) return;
    this.unlink(entry);
    this.linkYoungest(entry);
  }

  private sortedDirtyKeys(): SortedKeySet {
    if (this.dirtySorted === undefined) {
      this.dirtySorted = new SortedKeySet();
      for (let entry = this.eldestDirty; entry !== undefined; entry = entry.newerDirty) this.dirtySorted.add(entry.k);
    }
    return this.dirtySorted;
  }

  private segmentOf(time: number): number {
    return Math.floor(time / this.segmentIntervalMs);
  }

  private recordCache(): RecordCache {
    if (this.cache === undefined) throw new Error(`store '${this.name}' is not initialized`);
    return this.cache;
  }
}

function newEntry(k: string, key: Buffer, value: Buffer | null, below: Buffer | null | undefined): CacheEntry {
  return { k, key, value, dirty: false, below, timestamp: 0, headers: NO_HEADERS, size: 0, older: undefined, newer: undefined, olderDirty: undefined, newerDirty: undefined };
}
