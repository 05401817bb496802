/**
 * What the innermost key-value bytes stores (in memory, LevelDB) share: every key kept in a
 * `SortedKeySet` for ordered, synchronous iteration; `putIfAbsent` and `all` in terms of the
 * store's own `get`, `put` and `range`; no caching; the store itself as its restore target.
 */
import type { ChangelogRestoreTarget, KeyValue, RestoreRecord } from './key-value-store.js';
import { keyString, SortedKeySet } from './sorted-key-set.js';

export abstract class SortedBytesStore implements ChangelogRestoreTarget {
  protected readonly keys = new SortedKeySet();

  constructor(readonly name: string) {}

  abstract get(key: Buffer): Buffer | undefined;
  abstract put(key: Buffer, value: Buffer): void;
  abstract range(from: Buffer | undefined, to: Buffer | undefined): IterableIterator<KeyValue<Buffer, Buffer>>;
  abstract restoreBatch(records: readonly RestoreRecord[]): void;
  abstract wipe(): Promise<void>;
  abstract flush(): Promise<void>;

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.range(undefined, undefined);
  }

  setFlushListener(): boolean {
    return false;
  }

  restoreTarget(): ChangelogRestoreTarget {
    return this;
  }

  /** The keys (as `keyString`s) in `[from, to]`, in order; an undefined bound is open. */
  protected keyRange(from: Buffer | undefined, to: Buffer | undefined): Generator<string, void, undefined> {
    return this.keys.range(from === undefined ? undefined : keyString(from), to === undefined ? undefined : keyString(to));
  }
}
