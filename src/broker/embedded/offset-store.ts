/** Committed offsets of consumer groups (Kafka's __consumer_offsets), persisted through a DataDir if there is one. */
import type { TopicPartitionOffset } from '../types.js';
import type { DataDir, PersistedOffsets } from './data-dir.js';
import type { TopicStore } from './topic-store.js';

/** topic -> partition -> next offset to read */
type GroupOffsets = Map<string, Map<number, number>>;

export class OffsetStore {
  private readonly groups = new Map<string, GroupOffsets>();

  constructor(
    private readonly topics: TopicStore,
    private readonly dataDir?: DataDir,
  ) {
    for (const [groupId, byTopic] of Object.entries(dataDir?.readOffsets() ?? {})) {
      const group: GroupOffsets = new Map();
      for (const [topic, byPartition] of Object.entries(byTopic)) {
        group.set(topic, new Map(Object.entries(byPartition).map(([partition, offset]) => [Number(partition), offset])));
      }
      this.groups.set(groupId, group);
    }
  }

  /** Per partition of `topic`, the group's committed offset or null. */
  committed(groupId: string, topic: string): (number | null)[] {
    const partitions = this.topics.logs(topic).length;
    const byPartition = this.groups.get(groupId)?.get(topic);
    return Array.from({ length: partitions }, (_, partition) => byPartition?.get(partition) ?? null);
  }

  committedOffset(groupId: string, topic: string, partition: number): number | undefined {
    return this.groups.get(groupId)?.get(topic)?.get(partition);
  }

  /** Commits several groups' offsets at once (a transaction's), with one write to disk. */
  commit(offsetsByGroup: ReadonlyMap<string, readonly TopicPartitionOffset[]>): void {
    this.validate(offsetsByGroup);
    for (const [groupId, offsets] of offsetsByGroup) {
      let group = this.groups.get(groupId);
      if (!group) {
        group = new Map();
        this.groups.set(groupId, group);
      }
      for (const { topic, partition, offset } of offsets) {
        let byPartition = group.get(topic);
        if (!byPartition) {
          byPartition = new Map();
          group.set(topic, byPartition);
        }
        byPartition.set(partition, offset);
      }
    }
    this.persist();
  }

  /** Drops every group's offsets for deleted topics, as Kafka does. */
  forgetTopics(names: readonly string[]): void {
    for (const group of this.groups.values()) for (const name of names) group.delete(name);
    this.persist();
  }

  /** Throws unless every offset is a non-negative integer for an existing partition. */
  validate(offsetsByGroup: ReadonlyMap<string, readonly TopicPartitionOffset[]>): void {
    for (const offsets of offsetsByGroup.values()) {
      for (const target of offsets) {
        this.topics.log(target);
        if (!Number.isInteger(target.offset) || target.offset < 0) {
          throw new Error(
            `invalid offset ${target.offset} for ${target.topic}-${target.partition}: it must be a non-negative integer`,
          );
        }
      }
    }
  }

  private persist(): void {
    if (!this.dataDir) return;
    const out: PersistedOffsets = {};
    for (const [groupId, group] of this.groups) {
      const byTopic: Record<string, Record<string, number>> = {};
      for (const [topic, byPartition] of group) byTopic[topic] = Object.fromEntries(byPartition);
      out[groupId] = byTopic;
    }
    this.dataDir.writeOffsets(out);
  }
}
