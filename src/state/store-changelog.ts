/**
 * The changelog end of a change-logging layer: where the store's writes go (`<appId>-<store>-changelog`,
 * the task's partition) and how they are stamped (the current record's time, else wall-clock).
 */
import { type ChangelogWriter, changelogTopicName, type KeyValueStoreContext } from './store-context.js';

export class StoreChangelog {
  private writer: ChangelogWriter | undefined;
  private topic = '';
  private partition = 0;
  private now: () => number = Date.now;

  constructor(private readonly storeName: string) {}

  /** Fails when the task gave the store no changelog writer. */
  init(context: KeyValueStoreContext): void {
    if (context.changelog === undefined) {
      throw new Error(
        `store '${this.storeName}' of task ${context.taskId} logs its changes, but the task gave it no changelog writer`,
      );
    }
    this.writer = context.changelog;
    this.topic = changelogTopicName(context.applicationId, this.storeName);
    this.partition = context.partition;
    this.now = context.recordTimestamp ?? Date.now;
  }

  /** `value` null: a tombstone. */
  send(key: Buffer, value: Buffer | null): void {
    if (this.writer === undefined) throw new Error(`store '${this.storeName}' is not initialized`);
    this.writer.send({ topic: this.topic, partition: this.partition, key, value, timestamp: this.now(), headers: {} });
  }
}
