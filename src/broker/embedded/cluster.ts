/**
 * The state of one embedded broker while it is connected: topics and their logs, committed
 * offsets, consumer groups and transactional-producer epochs, persisted through a DataDir or not.
 * Producers and consumers act on it; EmbeddedBroker owns its lifecycle.
 */
import type { ProducerRecord, TopicPartitionOffset } from '../types.js';
import { DataDir } from './data-dir.js';
import { GroupCoordinator } from './group-coordinator.js';
import { OffsetStore } from './offset-store.js';
import type { PartitionLog } from './partition-log.js';
import { TopicStore } from './topic-store.js';

export class EmbeddedCluster {
  readonly topics: TopicStore;
  readonly offsets: OffsetStore;
  readonly groups: GroupCoordinator;
  /** transactionalId -> epoch of the newest producer registered with it. */
  private readonly producerEpochs = new Map<string, number>();

  private constructor(private readonly dataDir?: DataDir) {
    this.topics = new TopicStore(dataDir);
    this.offsets = new OffsetStore(this.topics, dataDir);
    this.groups = new GroupCoordinator((topic) => this.topics.partitionCount(topic));
  }

  static inMemory(): EmbeddedCluster {
    return new EmbeddedCluster();
  }

  /** Loads (or starts) the cluster persisted in `dir`, which stays locked until `close()`. */
  static persistent(dir: string): EmbeddedCluster {
    const dataDir = DataDir.open(dir);
    try {
      return new EmbeddedCluster(dataDir);
    } catch (err) {
      dataDir.close();
      throw err;
    }
  }

  /** Appends records outside any transaction. */
  append(records: readonly ProducerRecord[]): void {
    for (const [log, batch] of this.topics.route(records)) log.append(batch, false);
  }

  /** Gives `transactionalId` a new epoch, which fences every producer registered with it before. */
  registerTransactionalProducer(transactionalId: string): number {
    const epoch = (this.producerEpochs.get(transactionalId) ?? -1) + 1;
    this.producerEpochs.set(transactionalId, epoch);
    return epoch;
  }

  isCurrentProducer(transactionalId: string, epoch: number): boolean {
    return this.producerEpochs.get(transactionalId) === epoch;
  }

  /**
   * Makes a transaction visible: its records, a marker closing it in every partition it wrote to,
   * and its consumer-group offsets, all in one synchronous step, so no reader ever sees a part.
   */
  commitTransaction(
    records: readonly ProducerRecord[],
    offsetsByGroup: ReadonlyMap<string, readonly TopicPartitionOffset[]>,
  ): void {
    const byLog = this.topics.route(records);
    this.offsets.validate(offsetsByGroup);
    for (const [log, batch] of byLog) log.append(batch, true);
    if (offsetsByGroup.size) this.offsets.commit(offsetsByGroup);
  }

  /**
   * Discards a transaction. Its records were never appended (so no reader, whatever its isolation
   * level, can see them), but each partition it wrote to still gets the marker Kafka would write.
   * Partitions deleted meanwhile are skipped: an abort must not fail.
   */
  abortTransaction(records: readonly ProducerRecord[]): void {
    const touched = new Set<PartitionLog>();
    for (const record of records) {
      const log = this.topics.find(record);
      if (log) touched.add(log);
    }
    for (const log of touched) log.append([], true);
  }

  close(): void {
    this.dataDir?.close();
  }
}
