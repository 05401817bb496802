/**
 * What Tributary's own stores need from the task beyond the minimal `StateStoreContext` of
 * types.ts. Every field is optional so that a task which only knows the minimal contract can still
 * open stores that do not need them; a store that does need one fails at `init` with a message
 * saying which.
 */
import type { Headers } from '../broker/types.js';
import type { RecordCache } from './record-cache.js';
import type { StateStoreContext } from './types.js';

/** One changelog record: the store's new value for a key, or `null` (a tombstone) for a delete. */
export interface ChangelogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly timestamp: number;
  /** Always empty; present so that the runtime's record collector can serve as the writer as is. */
  readonly headers: Headers;
}

/**
 * Where change-logging stores send their records. `send` only buffers: the runtime sends the
 * records with the task's output and waits for their acknowledgement before it commits offsets
 * and writes the checkpoint, so the changelog is never behind a committed input offset.
 */
export interface ChangelogWriter {
  send(record: ChangelogRecord): void;
}

export interface StoreContextExtensions {
  /** Required by stores with logging enabled. */
  readonly changelog?: ChangelogWriter;
  /**
   * Event time of the record being processed (stream time inside a punctuator): stamped on cache
   * entries, and so on changelog records and on what a cache flush forwards. Default: wall clock.
   */
  readonly recordTimestamp?: () => number;
  /**
   * The task's record cache, shared by its caching stores. Default: a cache of
   * `DEFAULT_RECORD_CACHE_MAX_BYTES` private to the store.
   */
  readonly recordCache?: RecordCache;
}

export interface KeyValueStoreContext extends StateStoreContext, StoreContextExtensions {}

export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** The context seen by the layers under a decorator, with some fields replaced. */
export function derivedContext(
  context: KeyValueStoreContext,
  overrides: Partial<StoreContextExtensions>,
): KeyValueStoreContext {
  // A prototype link rather than a spread: the task may hand over a class instance whose fields
  // are getters, which a spread would not copy.
  return Object.assign(Object.create(context) as KeyValueStoreContext, overrides);
}
