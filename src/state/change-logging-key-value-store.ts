/**
 * The change-logging layer: every write that reaches it is also sent to the store's changelog
 * topic (`<appId>-<store>-changelog`, partition = the task's partition) as the new value of the key,
 * or a tombstone for a delete. The changelog is compacted, so it converges to the store's content:
 * replaying it rebuilds the store after a crash or on another instance.
 *
 * Under a caching layer this sees one write per key per commit, not one per update.
 */
import type { CacheFlushListener, ChangelogRestoreTarget, KeyValue, KeyValueBytesStore } from './key-value-store.js';
import type { KeyValueStoreContext } from './store-context.js';
import { StoreChangelog } from './store-changelog.js';

export class ChangeLoggingKeyValueStore implements KeyValueBytesStore {
  private readonly changelog: StoreChangelog;

  constructor(private readonly inner: KeyValueBytesStore) {
    this.changelog = new StoreChangelog(inner.name);
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  async init(context: KeyValueStoreContext): Promise<void> {
    this.changelog.init(context);
    await this.inner.init(context);
  }

  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer): void {
    this.inner.put(key, value);
    this.changelog.send(key, value);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.inner.putIfAbsent(key, value);
    if (existing === undefined) this.changelog.send(key, value);
    return existing;
  }

  delete(key: Buffer): Buffer | undefined {
    const existing = this.inner.delete(key);
    if (existing !== undefined) this.changelog.send(key, null);
    return existing;
  }

  range(from: Buffer | undefined, to: Buffer | undefined): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.inner.range(from, to);
  }

  all(): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.inner.all();
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  setFlushListener(listener: CacheFlushListener<Buffer, Buffer>): boolean {
    return this.inner.setFlushListener(listener);
  }

  restoreTarget(): ChangelogRestoreTarget {
    return this.inner.restoreTarget();
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
