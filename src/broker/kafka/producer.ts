/**
 * The Producer over kafkajs: always idempotent with acks=all; one `sendBatch` per `send` call, so
 * a whole output batch goes out in as few produce requests as kafkajs can make of it.
 *
 * Transactions map onto kafkajs' `producer.transaction()` object: `beginTransaction` opens one,
 * `send`/`sendOffsets` go through it, `commitTransaction`/`abortTransaction` end it. A transactional
 * producer fetches its producer id at `connect` (kafkajs would do it lazily at the first
 * transaction), so a new instance fences its zombie predecessor right away, as Java's
 * `initTransactions` does; a fenced producer's calls reject with ProducerFencedError.
 *
 * Requests to the transaction and group coordinators are retried on passing coordinator errors
 * (coordinator.ts). The transaction timeout is 10 s unless `transactionTimeoutMs` says otherwise
 * (Kafka Streams' default under exactly-once): a transaction its producer left open, because the
 * process died, holds read_committed readers up until the broker aborts it, once that time has
 * passed, at its next check for expired transactions
 * (`transaction.abort.timed.out.transaction.cleanup.interval.ms`, 10 s by default).
 */
import {
  Partitioners,
  type Kafka,
  type Producer as KafkaJSProducer,
  type RecordMetadata,
  type TopicMessages,
  type Transaction,
} from 'kafkajs';
import { ProducerFencedError } from '../errors.js';
import type { Producer, ProducerOptions, ProducerRecord, TopicPartitionOffset } from '../types.js';
import { retryCoordinatorRequests } from './coordinator.js';
import { isFencingError, isTransientError } from './errors.js';
import { producerWithCluster } from './producer-cluster.js';
import { retryWhile } from './retry.js';
import { toTopicMessages, toTopicOffsets } from './records.js';

const ACKS_ALL = -1;
/** How long a non-transactional send keeps retrying transient failures (Java's default delivery.timeout.ms). */
const DELIVERY_TIMEOUT_MS = 120_000;
const DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;
/** Transaction coordinator requests (and TxnOffsetCommit, to the group's) that kafkajs does not retry properly. */
const RETRIED_COORDINATOR_REQUESTS = ['addPartitionsToTxn', 'addOffsetsToTxn', 'txnOffsetCommit', 'endTxn'];

/**
 * kafkajs silently drops records for a partition missing from its metadata (a partition the topic
 * does not have, or one added since the producer's last metadata refresh) and reports success.
 * Its answer lists every partition it wrote to, so a missing one is caught here.
 */
function assertEveryPartitionProduced(topicMessages: TopicMessages[], produced: RecordMetadata[]): void {
  for (const { topic, messages } of topicMessages) {
    const written = new Set(produced.filter((m) => m.topicName === topic).map((m) => m.partition));
    for (const { partition } of messages) {
      if (written.has(partition as number)) continue;
      throw new Error(
        `records for partition ${partition} of topic '${topic}' were not written: the producer knows no such partition ` +
          '(the topic has fewer partitions, or they were added since its last metadata refresh)',
      );
    }
  }
}

export class KafkaProducer implements Producer {
  private readonly producer: KafkaJSProducer;
  private readonly transactionalId: string | undefined;
  private transaction: Transaction | undefined;
  /** Set once fenced: a zombie stays one, so every later call fails the same way. */
  private fenced: ProducerFencedError | undefined;

  /** `onClose` runs when the producer is closed (the broker stops tracking it). */
  constructor(
    kafka: Kafka,
    options: ProducerOptions,
    private readonly onClose: () => void,
  ) {
    this.transactionalId = options.transactionalId;
    const { producer, cluster } = producerWithCluster(kafka, {
      // Never consulted (every record names its partition); given so kafkajs does not warn.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      transactionalId: options.transactionalId,
      transactionTimeout: options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      allowAutoTopicCreation: false,
      // kafkajs' requirement for idempotent and transactional producers.
      maxInFlightRequests: 1,
    });
    retryCoordinatorRequests(cluster, { retried: RETRIED_COORDINATOR_REQUESTS });
    this.producer = producer;
  }

  async connect(): Promise<void> {
    await this.fencingAware(async () => {
      await this.producer.connect();
      if (this.transactionalId !== undefined) {
        // An empty transaction sends nothing to the broker but makes kafkajs init the producer id.
        const init = await this.producer.transaction();
        await init.abort();
      }
    });
  }

  async send(records: ProducerRecord[]): Promise<void> {
    if (records.length === 0) return;
    const batch = { topicMessages: toTopicMessages(records), acks: ACKS_ALL };
    let produced: RecordMetadata[];
    if (this.transactionalId === undefined) {
      // Like the Java producer's delivery.timeout.ms: a broker restart or leader move is ridden
      // out rather than failing the app (kafkajs alone gives up after ~10 s). A retry may write a
      // batch twice, which at-least-once allows.
      produced = await retryWhile(() => this.producer.sendBatch(batch), isTransientError, {
        deadlineMs: DELIVERY_TIMEOUT_MS,
        maxBackoffMs: 2_000,
      });
    } else {
      const transaction = this.openTransaction('send');
      produced = await this.fencingAware(() => transaction.sendBatch(batch));
    }
    assertEveryPartitionProduced(batch.topicMessages, produced);
  }

  async beginTransaction(): Promise<void> {
    if (this.transactionalId === undefined) throw new Error('beginTransaction needs a producer created with a transactionalId');
    if (this.fenced) throw this.fenced;
    if (this.transaction) throw new Error(`transactional id "${this.transactionalId}": a transaction is already open`);
    this.transaction = await this.fencingAware(() => this.producer.transaction());
  }

  async sendOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    const transaction = this.openTransaction('sendOffsets');
    if (offsets.length === 0) return;
    await this.fencingAware(() => transaction.sendOffsets({ consumerGroupId: groupId, topics: toTopicOffsets(offsets) }));
  }

  /**
   * Passing coordinator errors are retried (coordinator.ts). Beyond those, kafkajs can neither
   * retry nor abort a transaction whose commit failed, and its producer cannot start another one
   * after that: the owner has to close this producer and create a new one (which aborts the
   * leftover transaction when it connects).
   */
  async commitTransaction(): Promise<void> {
    const transaction = this.openTransaction('commitTransaction');
    this.transaction = undefined;
    await this.fencingAware(() => transaction.commit());
  }

  async abortTransaction(): Promise<void> {
    const transaction = this.openTransaction('abortTransaction');
    this.transaction = undefined;
    await this.fencingAware(() => transaction.abort());
  }

  /** Aborts a transaction left open (so read_committed readers are not held up until it times out), then disconnects. */
  async close(): Promise<void> {
    this.onClose();
    const open = this.transaction;
    this.transaction = undefined;
    if (open?.isActive()) await open.abort().catch(() => undefined);
    await this.producer.disconnect();
  }

  private openTransaction(operation: string): Transaction {
    if (this.transactionalId === undefined) throw new Error(`${operation} needs a producer created with a transactionalId`);
    if (this.fenced) throw this.fenced;
    if (!this.transaction) throw new Error(`${operation}: transactional id "${this.transactionalId}" has no open transaction`);
    return this.transaction;
  }

  private async fencingAware<T>(operation: () => Promise<T>): Promise<T> {
    if (this.fenced) throw this.fenced;
    try {
      return await operation();
    } catch (err) {
      if (this.transactionalId !== undefined && isFencingError(err)) {
        this.fenced = new ProducerFencedError(this.transactionalId, { cause: err });
        throw this.fenced;
      }
      throw err;
    }
  }
}
