/**
 * A bytes store held entirely in memory: a `Map` for point reads and a `SortedKeySet` for ordered
 * iteration. Not persistent: after a restart its changelog is replayed in full.
 */
import type { KeyValue, KeyValueBytesStore, RestoreRecord } from './key-value-store.js';
import { SortedBytesStore } from './sorted-bytes-store.js';
import { keyString } from './sorted-key-set.js';

export class InMemoryKeyValueStore extends SortedBytesStore implements KeyValueBytesStore {
  readonly persistent = false;
  private readonly values = new Map<string, KeyValue<Buffer, Buffer>>();

  async init(): Promise<void> {}

  get(key: Buffer): Buffer | undefined {
    return this.values.get(keyString(key))?.value;
  }

  put(key: Buffer, value: Buffer): void {
    const k = keyString(key);
    this.values.set(k, { key, value });
    this.keys.add(k);
  }

  delete(key: Buffer): Buffer | undefined {
    const k = keyString(key);
    const existing = this.values.get(k);
    if (existing === undefined) return undefined;
    this.values.delete(k);
    this.keys.delete(k);
    return existing.value;
  }

  *range(from: Buffer | undefined, to: Buffer | undefined): IterableIterator<KeyValue<Buffer, Buffer>> {
    for (const k of this.keyRange(from, to)) {
      const entry = this.values.get(k);
      if (entry !== undefined) yield entry;
    }
  }

  approximateNumEntries(): number {
    return this.values.size;
  }

  restoreBatch(records: readonly RestoreRecord[]): void {
    for (const { key, value } of records) {
      if (key === null) continue;
      if (value === null) this.delete(key);
      else this.put(key, value);
    }
  }

  async wipe(): Promise<void> {
    this.values.clear();
    this.keys.clear();
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
