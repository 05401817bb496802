/**
 * The Broker over a real Apache Kafka cluster, through kafkajs. One kafkajs client per broker
 * object; every producer and consumer gets its own connections from it (that is how kafkajs works).
 */
import { Kafka } from 'kafkajs';
import type { LevelWithSilent } from 'pino';
import { logger } from '../../logger.js';
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
import { KafkaAdmin } from './admin.js';
import { KafkaConsumer } from './consumer.js';
import { kafkajsLogLevel, pinoLogCreator } from './log-bridge.js';
import { partitionOffsets } from './offsets.js';
import { KafkaProducer } from './producer.js';
import { readPartition } from './read-partition.js';
import { setCommittedOffsets } from './set-committed-offsets.js';

export interface KafkaBrokerOptions {
  /** Bootstrap servers, `host:port`. */
  brokers: string[];
  clientId?: string;
  /** Level of kafkajs' own log lines (routed into the project's logger); default: the logger's level. */
  logLevel?: LevelWithSilent;
}

export class KafkaBroker implements Broker {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private readonly admin: KafkaAdmin;
  /** Producers and consumers handed out and not closed yet: `close` closes them too. */
  private readonly open = new Set<Producer | Consumer>();

  constructor(options: KafkaBrokerOptions) {
    const kafkajsLog = logger.child({ component: 'kafkajs' }, options.logLevel ? { level: options.logLevel } : {});
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'tributary',
      brokers: options.brokers,
      logLevel: kafkajsLogLevel(kafkajsLog.level),
      logCreator: pinoLogCreator(kafkajsLog),
    });
    this.admin = new KafkaAdmin(this.kafka);
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  createTopics(topics: TopicSpec[]): Promise<void> {
    return this.admin.createTopics(topics);
  }

  deleteTopics(names: string[]): Promise<void> {
    return this.admin.deleteTopics(names);
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  partitionCount(topic: string): Promise<number | undefined> {
    return this.admin.partitionCount(topic);
  }

  endOffsets(topic: string): Promise<number[]> {
    return partitionOffsets(this.kafka, topic, 'end');
  }

  beginningOffsets(topic: string): Promise<number[]> {
    return partitionOffsets(this.kafka, topic, 'beginning');
  }

  committedOffsets(groupId: string, topic: string): Promise<(number | null)[]> {
    return this.admin.committedOffsets(groupId, topic);
  }

  setCommittedOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    return setCommittedOffsets(this.kafka, this.admin, groupId, offsets);
  }

  readPartition(
    target: TopicPartition,
    fromOffset: number,
    toOffset: number,
    onBatch: (records: ConsumedRecord[]) => void,
    options?: { isolationLevel?: IsolationLevel },
  ): Promise<void> {
    const isolationLevel = options?.isolationLevel ?? 'read_uncommitted';
    return readPartition(this.kafka, target, fromOffset, toOffset, onBatch, isolationLevel);
  }

  producer(options: ProducerOptions = {}): Producer {
    const producer: KafkaProducer = new KafkaProducer(this.kafka, options, () => this.open.delete(producer));
    this.open.add(producer);
    return producer;
  }

  consumer(options: ConsumerOptions): Consumer {
    const consumer: KafkaConsumer = new KafkaConsumer(this.kafka, options, () => this.open.delete(consumer));
    this.open.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    const clients = [...this.open];
    this.open.clear();
    await Promise.allSettled(clients.map((client) => client.close()));
    await this.admin.disconnect();
  }
}
