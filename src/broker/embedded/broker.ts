/**
 * The embedded broker: an in-process partitioned log with Kafka's semantics (see the files beside
 * this one), the zero-setup default. Memory-only, or persistent with `{ dataDir }`.
 *
 * Connections are counted: every `connect()` needs a `close()`, and only the last close stops the
 * broker (its remaining consumers and producers are closed). That lets several apps in one process
 * share an instance from `EmbeddedBroker.shared()`. After the last close a memory-only broker keeps
 * its data for a later `connect()`; a persistent one releases its directory and reloads it then.
 */
import { resolve } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type {
  Broker,
  ConsumedRecord,
  Consumer,
  ConsumerOptions,
  IsolationLevel,
  Producer,
  ProducerOptions,
  TopicPartition,
  TopicPartitionOffset,
  TopicSpec,
} from '../types.js';
import { logger } from '../../logger.js';
import { EmbeddedCluster } from './cluster.js';
import { EmbeddedConsumer } from './consumer.js';
import { EmbeddedProducer } from './producer.js';

const log = logger.child({ component: 'embedded-broker' });

/** Records per `onBatch` call of readPartition; the event loop gets a turn between batches. */
const READ_BATCH_RECORDS = 10_000;

export interface EmbeddedBrokerOptions {
  /** Directory to persist topics, records and committed offsets in; memory-only without it. */
  dataDir?: string;
}

export class EmbeddedBroker implements Broker {
  readonly kind = 'embedded' as const;
  private static readonly sharedInstances = new Map<string, EmbeddedBroker>();

  private readonly dataDir: string | undefined;
  private cluster: EmbeddedCluster | undefined;
  private connections = 0;
  private readonly consumers = new Set<EmbeddedConsumer>();
  private readonly producers = new Set<EmbeddedProducer>();

  constructor(options: EmbeddedBrokerOptions = {}) {
    this.dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  }

  /** The process-wide instance for `dataDir` (or the memory-only one), for apps that share a broker. */
  static shared(dataDir?: string): EmbeddedBroker {
    const key = dataDir === undefined ? '' : resolve(dataDir);
    let broker = EmbeddedBroker.sharedInstances.get(key);
    if (!broker) {
      broker = new EmbeddedBroker({ dataDir });
      EmbeddedBroker.sharedInstances.set(key, broker);
    }
    return broker;
  }

  async connect(): Promise<void> {
    if (!this.cluster) {
      this.cluster = this.dataDir === undefined ? EmbeddedCluster.inMemory() : EmbeddedCluster.persistent(this.dataDir);
      log.debug({ dataDir: this.dataDir }, 'embedded broker started');
    }
    this.connections++;
  }

  async createTopics(topics: TopicSpec[]): Promise<void> {
    const cluster = this.requireCluster();
    const created = cluster.topics.create(topics);
    if (created.length) cluster.groups.topicsChanged(created);
  }

  async deleteTopics(names: string[]): Promise<void> {
    const cluster = this.requireCluster();
    cluster.topics.delete(names);
    cluster.offsets.forgetTopics(names);
    cluster.groups.topicsChanged(names);
  }

  async listTopics(): Promise<string[]> {
    return this.requireCluster().topics.names();
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    return this.requireCluster().topics.partitionCount(topic);
  }

  async endOffsets(topic: string): Promise<number[]> {
    return this.requireCluster().topics.logs(topic).map((partitionLog) => partitionLog.endOffset);
  }

  async beginningOffsets(topic: string): Promise<number[]> {
    return this.requireCluster().topics.logs(topic).map((partitionLog) => partitionLog.beginningOffset);
  }

  async committedOffsets(groupId: string, topic: string): Promise<(number | null)[]> {
    return this.requireCluster().offsets.committed(groupId, topic);
  }

  async setCommittedOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    const cluster = this.requireCluster();
    if (cluster.groups.hasMembers(groupId)) {
      throw new Error(`cannot set the committed offsets of group '${groupId}': it has active members`);
    }
    cluster.offsets.commit(new Map([[groupId, offsets]]));
  }

  /** Both isolation levels read the same here: transactional records are appended only on commit. */
  async readPartition(
    target: TopicPartition,
    fromOffset: number,
    toOffset: number,
    onBatch: (records: ConsumedRecord[]) => void,
    _options?: { isolationLevel?: IsolationLevel },
  ): Promise<void> {
    const partitionLog = this.requireCluster().topics.log(target);
    const { beginningOffset, endOffset } = partitionLog;
    if (!(beginningOffset <= fromOffset && fromOffset <= toOffset && toOffset <= endOffset)) {
      throw new RangeError(
        `cannot read ${target.topic}-${target.partition} from ${fromOffset} to ${toOffset}: ` +
          `the partition holds offsets ${beginningOffset} to ${endOffset}`,
      );
    }
    let position = fromOffset;
    while (position < toOffset) {
      const { records, next } = partitionLog.read(position, READ_BATCH_RECORDS, toOffset);
      position = next;
      if (records.length) onBatch(records);
      if (position < toOffset) await yieldToEventLoop();
    }
  }

  producer(options: ProducerOptions = {}): Producer {
    const producer = new EmbeddedProducer(() => this.requireCluster(), options.transactionalId, (closed) =>
      this.producers.delete(closed),
    );
    this.producers.add(producer);
    return producer;
  }

  consumer(options: ConsumerOptions): Consumer {
    const consumer = new EmbeddedConsumer(() => this.requireCluster(), options, (closed) =>
      this.consumers.delete(closed),
    );
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    if (this.connections === 0) return;
    this.connections--;
    if (this.connections > 0) return;
    await Promise.all([...this.consumers].map((consumer) => consumer.close()));
    await Promise.all([...this.producers].map((producer) => producer.close()));
    if (this.dataDir !== undefined) {
      this.cluster?.close();
      this.cluster = undefined;
    }
    log.debug({ dataDir: this.dataDir }, 'embedded broker stopped');
  }

  private requireCluster(): EmbeddedCluster {
    if (!this.cluster || this.connections === 0) {
      throw new Error('embedded broker is not connected: call connect() first');
    }
    return this.cluster;
  }
}
