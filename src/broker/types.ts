/**
 * The few broker operations the runtime needs. Two adapters implement it: `kafka/` (kafkajs, a real
 * Apache Kafka cluster) and `embedded/` (an in-process partitioned log with Kafka's semantics, the
 * zero-setup default). Both must pass the same conformance suite (test/conformance/).
 *
 * Keys and values are bytes here: serdes live above this line. Partitions are always chosen by the
 * caller (see partitioner.ts), so a key lands on the same partition number on both adapters.
 */

export type Headers = Record<string, Buffer>;

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** An offset in Kafka's sense: for commits, the offset of the next record to read. */
export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

export interface ProducerRecord {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch (event time). */
  timestamp: number;
  headers?: Headers;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Headers;
}

/** Records fetched from one partition, in offset order. */
export interface RecordBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  /** The partition's end offset when the batch was fetched, for lag. */
  highWatermark: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }` for changelogs. */
  config?: Record<string, string>;
}

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface RebalanceListener {
  /** Called before partitions are taken away: the last chance to flush and commit them. */
  onPartitionsRevoked?(partitions: TopicPartition[]): Promise<void> | void;
  /** Called with the partitions newly assigned to this member, before any of their records are handed over. */
  onPartitionsAssigned?(partitions: TopicPartition[]): Promise<void> | void;
}

export interface ConsumerOptions {
  /** Consumer group; for a Tributary app, the application id. */
  groupId: string;
  topics: string[];
  isolationLevel?: IsolationLevel;
  /** Where to start a partition that has no committed offset. Default `earliest`, like Kafka Streams. */
  autoOffsetReset?: 'earliest' | 'latest';
  rebalanceListener?: RebalanceListener;
  /** Upper bound on records per handed-over batch. */
  maxBatchRecords?: number;
  sessionTimeoutMs?: number;
  /**
   * Where this member can be reached (e.g. `host:port` for interactive queries), shared with the
   * rest of the group through the assignment: see `Consumer.groupAssignment`.
   */
  hostInfo?: string;
  /** Standby copies the group leader names per task besides its owner (Kafka adapter only). Default 0. */
  numStandbyReplicas?: number;
}

/** One member of a consumer group and the partitions it was assigned. */
export interface MemberAssignment {
  hostInfo?: string;
  partitions: TopicPartition[];
}

export interface Consumer {
  /**
   * Starts consuming. The handler is called with one partition's batch at a time and is awaited
   * before that partition's next batch (backpressure). Resolves once the consumer has joined its
   * group; handler errors stop the consumer and are reported through `onError`.
   */
  run(handler: (batch: RecordBatch) => Promise<void>, onError?: (err: Error) => void): Promise<void>;
  /** Commits offsets (next offset to read) for the group. */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Moves the fetch position of an assigned partition. */
  seek(target: TopicPartitionOffset): void;
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  assignment(): TopicPartition[];
  /**
   * The whole group's assignment as of this member's last rebalance: every member (this one
   * included) with its `hostInfo` and partitions. Empty before the first assignment. Optional:
   * not every adapter implements it.
   */
  groupAssignment?(): MemberAssignment[];
  /**
   * The partitions of the tasks this member keeps standby copies of (see
   * `ConsumerOptions.numStandbyReplicas`), as of its last rebalance. Optional: an adapter without
   * it has no standbys.
   */
  standbyAssignment?(): TopicPartition[];
  close(): Promise<void>;
}

export interface Producer {
  connect(): Promise<void>;
  /** Appends records; resolves once every record is acknowledged (inside a transaction: accepted). */
  send(records: ProducerRecord[]): Promise<void>;
  /** Only for producers created with a `transactionalId`. */
  beginTransaction(): Promise<void>;
  /** Adds the group's input offsets to the open transaction (exactly-once consume-process-produce). */
  sendOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  commitTransaction(): Promise<void>;
  abortTransaction(): Promise<void>;
  close(): Promise<void>;
}

export interface ProducerOptions {
  /** Makes the producer transactional; a newer producer with the same id fences older ones. */
  transactionalId?: string;
  /**
   * How long the broker lets a transaction stay open before aborting it (Kafka adapter; default
   * 10 s): bounds how long a dead producer's open transaction holds read_committed readers up
   * (plus up to the broker's check interval for expired transactions, 10 s by default).
   */
  transactionTimeoutMs?: number;
}

export interface Broker {
  readonly kind: 'kafka' | 'embedded';
  connect(): Promise<void>;
  /** Creates missing topics; existing ones are left as they are. */
  createTopics(topics: TopicSpec[]): Promise<void>;
  deleteTopics(names: string[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Partition count, or undefined when the topic does not exist. */
  partitionCount(topic: string): Promise<number | undefined>;
  /** Per partition: the offset the next produced record will get (high watermark). */
  endOffsets(topic: string): Promise<number[]>;
  /** Per partition: the earliest offset still stored. */
  beginningOffsets(topic: string): Promise<number[]>;
  /** Per partition: the group's committed offset, or null. */
  committedOffsets(groupId: string, topic: string): Promise<(number | null)[]>;
  /** Sets a group's committed offsets directly (the group must have no live members): resets. */
  setCommittedOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  /**
   * Reads one partition from `fromOffset` up to (not including) `toOffset`, outside any group:
   * used to restore state stores from changelogs and to fill global tables.
   */
  readPartition(
    target: TopicPartition,
    fromOffset: number,
    toOffset: number,
    onBatch: (records: ConsumedRecord[]) => void,
    options?: { isolationLevel?: IsolationLevel },
  ): Promise<void>;
  producer(options?: ProducerOptions): Producer;
  consumer(options: ConsumerOptions): Consumer;
  close(): Promise<void>;
}
