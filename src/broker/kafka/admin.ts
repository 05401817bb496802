/**
 * Topic, group and committed-offset administration over the kafkajs admin client (partition
 * offsets are in offsets.ts).
 */
import type { Admin, Kafka } from 'kafkajs';
import type { TopicSpec } from '../types.js';
import { isUnknownTopicError } from './errors.js';
import { toPartitionArray } from './records.js';

const NO_OFFSET = -1;

export class KafkaAdmin {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(private readonly kafka: Kafka) {
    this.admin = kafka.admin();
  }

  /** Connects once; every operation calls it, so using the broker without `connect()` works too. */
  connect(): Promise<void> {
    this.connected ??= this.admin.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    return this.connected;
  }

  async disconnect(): Promise<void> {
    this.connected = undefined;
    await this.admin.disconnect();
  }

  async listTopics(): Promise<string[]> {
    await this.connect();
    return this.admin.listTopics();
  }

  async createTopics(topics: TopicSpec[]): Promise<void> {
    await this.connect();
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) return;
    // Resolves false (without throwing) when another client created some of them meanwhile.
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  async deleteTopics(names: string[]): Promise<void> {
    await this.connect();
    const existing = new Set(await this.admin.listTopics());
    const present = names.filter((name) => existing.has(name));
    // kafkajs retries an unknown topic for several seconds before failing, hence the filter.
    if (present.length > 0) await this.admin.deleteTopics({ topics: present });
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    await this.connect();
    try {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0]?.partitions.length;
    } catch (err) {
      if (isUnknownTopicError(err)) return undefined;
      throw err;
    }
  }

  /**
   * Asked through a throwaway admin client: kafkajs' `fetchOffsets` makes its client refresh the
   * topic's metadata from then on, and every later request of that client fails once another client
   * deletes the topic.
   */
  async committedOffsets(groupId: string, topic: string): Promise<(number | null)[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [topicOffsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return toPartitionArray(topicOffsets?.partitions ?? [], (row) => {
        const offset = Number(row.offset);
        return offset === NO_OFFSET ? null : offset;
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** The group's state as the coordinator reports it: `Empty` and `Dead` mean no live members. */
  async groupState(groupId: string): Promise<string> {
    await this.connect();
    const { groups } = await this.admin.describeGroups([groupId]);
    return groups[0]?.state ?? 'Dead';
  }
}
