/**
 * Window stores: one value per (key, window start), e.g. the count of a key in each 5-minute
 * window. Retention (window size + grace, set by whoever builds the store) bounds what is kept:
 * windows older than that behind the newest window start seen are dropped, written or not.
 *
 * Composite key layout: `[key][window start, 8 bytes]`, so one key's windows are adjacent and in
 * time order; segments are by window start.
 */
import type { Headers } from '../broker/types.js';
import type { Serde } from '../serde/types.js';
import type { SegmentedBytesStore, SegmentKeySchema } from './segmented-bytes-store.js';
import { MeteredStore } from './metered-store.js';
import { MAX_TIME, readTime, TIME_BYTES, writeTime } from './time-keys.js';
import type { StateStore } from './types.js';

export interface WindowedValue<V> {
  readonly windowStart: number;
  readonly value: V;
}

export interface WindowedEntry<K, V> {
  readonly key: K;
  readonly windowStart: number;
  /** Window start + window size (exclusive end). */
  readonly windowEnd: number;
  readonly value: V;
}

export interface WindowStore<K, V> extends StateStore {
  /**
   * A value that serializes to `null` deletes the window. Windows already expired are ignored.
   * `headers`: of the record behind the write, handed to the flush listener (see `KeyValueBytesStore.put`).
   */
  put(key: K, value: V, windowStart: number, headers?: Headers): void;
  /** The value of one window. */
  get(key: K, windowStart: number): V | undefined;
  /** The key's windows starting in `[timeFrom, timeTo]`, oldest first. */
  fetch(key: K, timeFrom: number, timeTo: number): IterableIterator<WindowedValue<V>>;
  /** All keys' windows starting in `[timeFrom, timeTo]`: by window segment, then key, then start. */
  fetchAll(timeFrom: number, timeTo: number): IterableIterator<WindowedEntry<K, V>>;
  /**
   * Gets `listener` called when the caching layer writes a window through (on flush or eviction);
   * false when the store does not cache: the caller then forwards changes itself.
   */
  setFlushListener(listener: WindowFlushListener<K, V>): boolean;
}

/**
 * A cached window written through: its new value (undefined: deleted) and the one it replaced;
 * time and headers of its latest update (see `CacheFlushListener`).
 */
export type WindowFlushListener<K, V> = (
  key: K,
  windowStart: number,
  newValue: V | undefined,
  oldValue: V | undefined,
  timestamp: number,
  headers: Headers,
) => void;

export interface WindowStoreMetrics {
  readonly puts: number;
  /** Puts dropped because the window was older than retention. */
  readonly expiredPuts: number;
  readonly gets: number;
  readonly fetches: number;
  readonly flushes: number;
}

export const windowKeySchema: SegmentKeySchema = {
  segmentTime: (compositeKey) => readTime(compositeKey, compositeKey.length - TIME_BYTES),
};

export function windowKey(key: Buffer, windowStart: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + TIME_BYTES);
  key.copy(out, 0);
  writeTime(out, key.length, windowStart);
  return out;
}

/**
 * The typed face of a segmented bytes store, holding windows; counts operations. An aggregation
 * reads a window and then writes it: the composite key of the last call is kept, so the write
 * after a read (and further windows of the same key) serializes nothing twice.
 */
export class MeteredWindowStore<K, V>
  extends MeteredStore<K, V, SegmentedBytesStore, WindowStoreMetrics>
  implements WindowStore<K, V>
{
  /** The last primitive key serialized, its bytes, and its last composite key. */
  private lastKey: K | undefined;
  private lastKeyBytes: Buffer | undefined;
  private lastStart = -1;
  private lastComposite: Buffer | undefined;

  constructor(
    inner: SegmentedBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    readonly windowSizeMs: number,
  ) {
    super(inner, keySerde, valueSerde, { puts: 0, expiredPuts: 0, gets: 0, fetches: 0, flushes: 0 });
  }

  put(key: K, value: V, windowStart: number, headers?: Headers): void {
    this.counts.puts += 1;
    if (!this.inner.put(this.compositeKey(key, windowStart), this.valueSerde.serialize(value, this.topic), headers)) {
      this.counts.expiredPuts += 1;
    }
  }

  get(key: K, windowStart: number): V | undefined {
    this.counts.gets += 1;
    const value = this.inner.get(this.compositeKey(key, windowStart));
    return value === undefined ? undefined : this.valueSerde.deserialize(value, this.topic);
  }

  *fetch(key: K, timeFrom: number, timeTo: number): IterableIterator<WindowedValue<V>> {
    this.counts.fetches += 1;
    if (timeFrom > timeTo || timeTo < 0) return;
    const keyBytes = this.keyBytes(key);
    const from = windowKey(keyBytes, Math.max(timeFrom, 0));
    const to = windowKey(keyBytes, Math.min(timeTo, MAX_TIME));
    for (const entry of this.inner.range(from, to, timeFrom, timeTo)) {
      // The byte range also holds longer keys that start with this one: keep exact matches.
      if (entry.key.length !== to.length || entry.key.compare(keyBytes, 0, keyBytes.length, 0, keyBytes.length) !== 0) continue;
      const windowStart = readTime(entry.key, keyBytes.length);
      if (windowStart < this.inner.minLiveTime()) continue;
      yield { windowStart, value: this.valueSerde.deserialize(entry.value, this.topic) };
    }
  }

  *fetchAll(timeFrom: number, timeTo: number): IterableIterator<WindowedEntry<K, V>> {
    this.counts.fetches += 1;
    const earliest = Math.max(timeFrom, this.inner.minLiveTime());
    for (const entry of this.inner.range(undefined, undefined, timeFrom, timeTo)) {
      const windowStart = readTime(entry.key, entry.key.length - TIME_BYTES);
      if (windowStart < earliest || windowStart > timeTo) continue;
      yield {
        key: this.keySerde.deserialize(entry.key.subarray(0, entry.key.length - TIME_BYTES), this.topic),
        windowStart,
        windowEnd: windowStart + this.windowSizeMs,
        value: this.valueSerde.deserialize(entry.value, this.topic),
      };
    }
  }

  setFlushListener(listener: WindowFlushListener<K, V>): boolean {
    return this.inner.setFlushListener((compositeKey, newValue, oldValue, timestamp, headers) => {
      const keyLength = compositeKey.length - TIME_BYTES;
      listener(
        this.keySerde.deserialize(compositeKey.subarray(0, keyLength), this.topic),
        readTime(compositeKey, keyLength),
        newValue === undefined ? undefined : this.valueSerde.deserialize(newValue, this.topic),
        oldValue === undefined ? undefined : this.valueSerde.deserialize(oldValue, this.topic),
        timestamp,
        headers,
      );
    });
  }

  private compositeKey(key: K, windowStart: number): Buffer {
    // Only primitive keys are remembered: an object key could be changed in place between calls.
    if (key === this.lastKey && this.lastKeyBytes !== undefined && typeof key !== 'object') {
      if (windowStart !== this.lastStart) {
        this.lastStart = windowStart;
        this.lastComposite = windowKey(this.lastKeyBytes!, windowStart);
      }
      return this.lastComposite!;
    }
    const keyBytes = this.keyBytes(key);
    const composite = windowKey(keyBytes, windowStart);
    this.lastKey = key;
    this.lastKeyBytes = keyBytes;
    this.lastStart = windowStart;
    this.lastComposite = composite;
    return composite;
  }
}
