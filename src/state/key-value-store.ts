/**
 * Key-value stores: the typed interface processors use, and the bytes-level interface its layers
 * (metered → caching → change-logging → in-memory or LevelDB) implement.
 *
 * Everything on the processing path is synchronous, reads and iteration included: processing a
 * record never awaits. Writes reach disk in one batch per `flush()`.
 *
 * Iteration order is the order of the serialized key bytes (unsigned, lexicographic), as in Kafka
 * Streams: it matches the natural order only where the serde preserves it, e.g. UTF-8 strings sort
 * by code point, but int32 keys put negative numbers after positive ones (two's complement).
 */
import type { Headers } from '../broker/types.js';
import type { StateStore } from './types.js';

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

export interface KeyValueStore<K, V> extends StateStore {
  get(key: K): V | undefined;
  /** A value that serializes to `null` deletes the key. */
  put(key: K, value: V): void;
  /** Puts only when the key has no value; returns the value it already had. */
  putIfAbsent(key: K, value: V): V | undefined;
  /** Returns the value the key had. */
  delete(key: K): V | undefined;
  /**
   * Entries with keys from `from` to `to`, both inclusive (`undefined`: unbounded). Empty when
   * `from` sorts after `to`. Writes made while iterating may or may not be seen.
   */
  range(from: K | undefined, to: K | undefined): IterableIterator<KeyValue<K, V>>;
  all(): IterableIterator<KeyValue<K, V>>;
  /** Number of keys (exact for Tributary's stores; "approximate" in Kafka Streams' interface). */
  approximateNumEntries(): number;
}

/** The headers of a write made without any. */
export const NO_HEADERS: Headers = Object.freeze({});

/**
 * Called once per changed key when a cache flushes or evicts it: `newValue` undefined means the key
 * was deleted; `oldValue` is the value the layers below held before (what was last forwarded).
 * `timestamp` is the event time of the key's latest update, `headers` the headers that update was
 * written with (`NO_HEADERS` if none), as Kafka Streams forwards them.
 */
export type CacheFlushListener<K, V> = (
  key: K,
  newValue: V | undefined,
  oldValue: V | undefined,
  timestamp: number,
  headers: Headers,
) => void;

/** A changelog record as restore reads it (`ConsumedRecord` fits). */
export interface RestoreRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** The innermost store, written directly by restore: no caching, no logging, no forwarding. */
export interface ChangelogRestoreTarget {
  /** Applies records in order (`null` value: delete). Made durable by `flush()`. */
  restoreBatch(records: readonly RestoreRecord[]): void;
  /** Removes every entry, on disk too: a full restore starts from empty. */
  wipe(): Promise<void>;
  flush(): Promise<void>;
}

export interface KeyValueBytesStore extends KeyValueStore<Buffer, Buffer> {
  /**
   * `headers`: those of the record behind the write, kept by a caching layer (by reference: they
   * must not change afterwards) for its flush listener; the other layers ignore them.
   */
  put(key: Buffer, value: Buffer, headers?: Headers): void;
  /** `headers`: as for `put`. */
  delete(key: Buffer, headers?: Headers): Buffer | undefined;
  /**
   * Registers the listener with the caching layer, if there is one. Returns false when writes are
   * not cached: the caller then forwards changes itself, as they happen.
   */
  setFlushListener(listener: CacheFlushListener<Buffer, Buffer>): boolean;
  restoreTarget(): ChangelogRestoreTarget;
}
