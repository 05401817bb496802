/**
 * Change logging for window and session stores: each retained write goes to the changelog with
 * its composite key (store key and times, no segment id), so restore can re-segment it under
 * whatever segment interval the store has then. Writes dropped as expired are not logged, and
 * neither are segment drops: the changelog expires old records itself (`cleanup.policy` includes
 * `delete`, see the builder).
 */
import type { CacheFlushListener, ChangelogRestoreTarget, KeyValue } from './key-value-store.js';
import type { SegmentedBytesStore } from './segmented-bytes-store.js';
import type { KeyValueStoreContext } from './store-context.js';
import { StoreChangelog } from './store-changelog.js';

export class ChangeLoggingSegmentedBytesStore implements SegmentedBytesStore {
  private readonly changelog: StoreChangelog;

  constructor(private readonly inner: SegmentedBytesStore) {
    this.changelog = new StoreChangelog(inner.name);
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get observedStreamTime(): number {
    return this.inner.observedStreamTime;
  }

  async init(context: KeyValueStoreContext): Promise<void> {
    this.changelog.init(context);
    await this.inner.init(context);
  }

  minLiveTime(): number {
    return this.inner.minLiveTime();
  }

  put(compositeKey: Buffer, value: Buffer | null): boolean {
    if (!this.inner.put(compositeKey, value)) return false;
    this.changelog.send(compositeKey, value);
    return true;
  }

  get(compositeKey: Buffer): Buffer | undefined {
    return this.inner.get(compositeKey);
  }

  range(
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    return this.inner.range(keyFrom, keyTo, timeFrom, timeTo);
  }

  restoreTarget(): ChangelogRestoreTarget {
    return this.inner.restoreTarget();
  }

  setFlushListener(listener: CacheFlushListener<Buffer, Buffer>): boolean {
    return this.inner.setFlushListener(listener);
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
