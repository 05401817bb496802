/** The broker's topics: each a fixed number of partition logs, persisted through a DataDir if there is one. */
import type { ProducerRecord, TopicPartition, TopicSpec } from '../types.js';
import type { DataDir } from './data-dir.js';
import { UnknownPartitionError, UnknownTopicError } from './errors.js';
import { PartitionLog } from './partition-log.js';

interface Topic {
  spec: TopicSpec;
  logs: PartitionLog[];
}

// Kafka's rules, so a name that works here also works on a real cluster (and is a safe directory name).
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function validateSpec(spec: TopicSpec): void {
  if (!LEGAL_TOPIC_NAME.test(spec.name) || spec.name === '.' || spec.name === '..') {
    throw new Error(
      `invalid topic name '${spec.name}': use 1 to 249 of the characters a-z A-Z 0-9 . _ - (and not '.' or '..')`,
    );
  }
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new Error(`invalid partition count ${spec.partitions} for topic '${spec.name}': it must be a positive integer`);
  }
}

export class TopicStore {
  private readonly topics = new Map<string, Topic>();

  constructor(private readonly dataDir?: DataDir) {
    for (const spec of dataDir?.readTopics() ?? []) this.topics.set(spec.name, this.openTopic(spec));
  }

  /** Creates the topics that do not exist yet and returns their names; existing ones are left as they are. */
  create(specs: readonly TopicSpec[]): string[] {
    specs.forEach(validateSpec);
    const created: string[] = [];
    for (const spec of specs) {
      if (this.topics.has(spec.name)) continue;
      const stored: TopicSpec = { name: spec.name, partitions: spec.partitions, config: { ...spec.config } };
      this.topics.set(spec.name, this.openTopic(stored));
      created.push(spec.name);
    }
    if (created.length) this.persistSpecs();
    return created;
  }

  /** Deletes topics with all their records; every name must exist. */
  delete(names: readonly string[]): void {
    for (const name of names) this.logs(name);
    for (const name of names) {
      this.topics.delete(name);
      this.dataDir?.deleteTopic(name);
    }
    if (names.length) this.persistSpecs();
  }

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  partitionCount(name: string): number | undefined {
    return this.topics.get(name)?.spec.partitions;
  }

  logs(name: string): readonly PartitionLog[] {
    const topic = this.topics.get(name);
    if (!topic) throw new UnknownTopicError(name);
    return topic.logs;
  }

  /** The partition's log, or undefined when the topic or partition does not exist. */
  find(target: TopicPartition): PartitionLog | undefined {
    return this.topics.get(target.topic)?.logs[target.partition];
  }

  log(target: TopicPartition): PartitionLog {
    const logs = this.logs(target.topic);
    const log = logs[target.partition];
    if (!log) throw new UnknownPartitionError(target, logs.length);
    return log;
  }

  /**
   * Groups records by the partition log they go to, in send order. Every record is checked before
   * anything is appended, so a send with one bad record appends nothing.
   */
  route(records: readonly ProducerRecord[]): Map<PartitionLog, ProducerRecord[]> {
    // Batches indexed by partition number, per topic: cheaper per record than a map keyed by log.
    const batchesByTopic = new Map<string, ProducerRecord[][]>();
    let topicName: string | undefined;
    let logs: readonly PartitionLog[] = [];
    let batches: ProducerRecord[][] = [];
    for (const record of records) {
      if (record.topic !== topicName) {
        logs = this.logs(record.topic);
        topicName = record.topic;
        let known = batchesByTopic.get(topicName);
        if (!known) {
          known = [];
          batchesByTopic.set(topicName, known);
        }
        batches = known;
      }
      const partition = record.partition;
      if (logs[partition] === undefined) throw new UnknownPartitionError(record, logs.length);
      const batch = batches[partition];
      if (batch) batch.push(record);
      else batches[partition] = [record];
    }
    const byLog = new Map<PartitionLog, ProducerRecord[]>();
    for (const [name, perPartition] of batchesByTopic) {
      const topicLogs = this.logs(name);
      perPartition.forEach((batch, partition) => byLog.set(topicLogs[partition], batch));
    }
    return byLog;
  }

  private openTopic(spec: TopicSpec): Topic {
    const logs: PartitionLog[] = [];
    for (let partition = 0; partition < spec.partitions; partition++) {
      if (this.dataDir) {
        const { entries, file } = this.dataDir.openSegment(spec.name, partition);
        logs.push(new PartitionLog(spec.name, partition, entries, file));
      } else {
        logs.push(new PartitionLog(spec.name, partition));
      }
    }
    return { spec, logs };
  }

  private persistSpecs(): void {
    this.dataDir?.writeTopics([...this.topics.values()].map((topic) => topic.spec));
  }
}
