/**
 * A producer on the embedded broker. Plain sends append at once. A transactional producer buffers
 * its sends and `sendOffsets` between begin and commit; commit applies them in one step, abort
 * drops them. `connect()` registers its transactional id, which fences any older producer with
 * that id: from then on every transactional call of the older one throws ProducerFencedError.
 */
import type { Producer, ProducerRecord, TopicPartitionOffset } from '../types.js';
import type { EmbeddedCluster } from './cluster.js';
import { ProducerFencedError } from './errors.js';

interface OpenTransaction {
  records: ProducerRecord[];
  offsetsByGroup: Map<string, TopicPartitionOffset[]>;
}

export class EmbeddedProducer implements Producer {
  private cluster: EmbeddedCluster | undefined;
  private epoch = -1;
  private transaction: OpenTransaction | undefined;
  private closed = false;

  /** `connectCluster` throws when the broker is not connected. */
  constructor(
    private readonly connectCluster: () => EmbeddedCluster,
    private readonly transactionalId: string | undefined,
    private readonly onClosed: (producer: EmbeddedProducer) => void,
  ) {}

  async connect(): Promise<void> {
    this.requireOpen();
    if (this.cluster) return;
    this.cluster = this.connectCluster();
    if (this.transactionalId !== undefined) this.epoch = this.cluster.registerTransactionalProducer(this.transactionalId);
  }

  async send(records: ProducerRecord[]): Promise<void> {
    const cluster = this.requireConnected();
    if (this.transactionalId === undefined) {
      cluster.append(records);
      return;
    }
    const transaction = this.requireTransaction(cluster);
    // Checked now, so a bad record fails its own send rather than the commit.
    cluster.topics.route(records);
    for (const record of records) transaction.records.push(record);
  }

  async beginTransaction(): Promise<void> {
    const cluster = this.requireConnected();
    this.requireCurrentEpoch(cluster);
    if (this.transaction) throw new Error(`producer '${this.transactionalId}' already has an open transaction`);
    this.transaction = { records: [], offsetsByGroup: new Map() };
  }

  async sendOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    const cluster = this.requireConnected();
    const transaction = this.requireTransaction(cluster);
    cluster.offsets.validate(new Map([[groupId, offsets]]));
    const pending = transaction.offsetsByGroup.get(groupId) ?? [];
    pending.push(...offsets);
    transaction.offsetsByGroup.set(groupId, pending);
  }

  async commitTransaction(): Promise<void> {
    const cluster = this.requireConnected();
    const transaction = this.requireTransaction(cluster);
    this.transaction = undefined;
    try {
      cluster.commitTransaction(transaction.records, transaction.offsetsByGroup);
    } catch (err) {
      cluster.abortTransaction(transaction.records);
      throw new Error(`transaction of producer '${this.transactionalId}' was aborted: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async abortTransaction(): Promise<void> {
    const cluster = this.requireConnected();
    const transaction = this.requireTransaction(cluster);
    this.transaction = undefined;
    cluster.abortTransaction(transaction.records);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const cluster = this.cluster;
    if (cluster && this.transaction && this.isCurrent(cluster)) cluster.abortTransaction(this.transaction.records);
    this.transaction = undefined;
    this.closed = true;
    this.onClosed(this);
  }

  private requireOpen(): void {
    if (this.closed) throw new Error('producer is closed');
  }

  private requireConnected(): EmbeddedCluster {
    this.requireOpen();
    if (!this.cluster) throw new Error('producer is not connected: call connect() first');
    return this.cluster;
  }

  private isCurrent(cluster: EmbeddedCluster): boolean {
    return this.transactionalId !== undefined && cluster.isCurrentProducer(this.transactionalId, this.epoch);
  }

  private requireCurrentEpoch(cluster: EmbeddedCluster): void {
    if (this.transactionalId === undefined) {
      throw new Error('transactions need a producer created with a transactionalId');
    }
    if (!this.isCurrent(cluster)) {
      // Kafka aborts a fenced producer's open transaction; here its buffered records are simply dropped.
      this.transaction = undefined;
      throw new ProducerFencedError(this.transactionalId);
    }
  }

  private requireTransaction(cluster: EmbeddedCluster): OpenTransaction {
    this.requireCurrentEpoch(cluster);
    if (!this.transaction) {
      throw new Error(`producer '${this.transactionalId}' has no open transaction: call beginTransaction() first`);
    }
    return this.transaction;
  }
}
