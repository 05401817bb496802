/**
 * Change logging for window and session stores: each retained write goes to the changelog with
 * its composite key (store key and times, no segment id), so restore can re-segment it under
 * whatever segment interval the store has then. Writes dropped as expired are not logged, and
 * neither are segment drops: the changelog expires old records itself (`cleanup.policy` includes
 * `delete`, see the builder).
 */
import type { CacheFlushListener, ChangelogRestoreTarget, KeyValue } from './key-value-store.js';
import type { SegmentedBytesStore } from './segmented-bytes-store.js';
import { type ChangelogWriter, changelogTopicName, type KeyValueStoreContext } from './store-context.js';

export class ChangeLoggingSegmentedBytesStore implements SegmentedBytesStore {
  private writer: ChangelogWriter | undefined;
  private topic = '';
  private partition = 0;
  private now: () => number = Date.now;

  constructor(private readonly inner: SegmentedBytesStore) {}

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
    if (context.changelog === undefined) {
      throw new Error(
        `store '${this.name}' of task ${context.taskId} logs its changes, but the task gave it no changelog writer`,
      );
    }
    this.writer = context.changelog;
    this.topic = changelogTopicName(context.applicationId, this.name);
    this.partition = context.partition;
    this.now = context.recordTimestamp ?? Date.now;
    await this.inner.init(context);
  }

  minLiveTime(): number {
    return this.inner.minLiveTime();
  }

  put(compositeKey: Buffer, value: Buffer | null): boolean {
    if (!this.inner.put(compositeKey, value)) return false;
    this.writer!.send({
      topic: this.topic,
      partition: this.partition,
      key: compositeKey,
      value,
      timestamp: this.now(),
      headers: {},
    });
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
