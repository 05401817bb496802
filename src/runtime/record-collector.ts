/**
 * Collects the records tasks produce while processing a batch and sends them to the broker in
 * batches. Sending is started without waiting (so output flows out while the next batch is
 * processed), but only one send is in flight at a time: concurrent sends may be retried out of
 * order (kafkajs retries each call on its own), which would reorder a partition's records. What
 * accumulates meanwhile goes out as the next, larger batch. `flush()` resolves only once everything
 * is acknowledged, which is what a commit waits for before it commits input offsets.
 */
import { partitionForKey } from '../broker/partitioner.js';
import type { Headers, Producer, ProducerRecord } from '../broker/types.js';
import type { Logger } from '../logger.js';
import type { RecordCollector } from '../processor/record-collector.js';

export class ProductionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProductionError';
  }
}

/**
 * What to do when the broker refuses a batch of output records (too large, topic deleted, not
 * authorized, ...): `fail` (the default, as in Kafka Streams: stop rather than lose output
 * silently) or `continue` (log, count the records as dropped, go on). A function decides per error.
 */
export type ProductionHandlerSetting = 'fail' | 'continue' | ((error: Error, records: readonly ProducerRecord[]) => 'fail' | 'continue');

export class BrokerRecordCollector implements RecordCollector {
  private buffer: ProducerRecord[] = [];
  private sending: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly roundRobin = new Map<string, number>();
  /** Output records dropped under a `continue` production handler. */
  droppedRecords = 0;

  constructor(
    private readonly producer: () => Producer,
    private readonly partitionCounts: Map<string, number>,
    private readonly productionHandler: ProductionHandlerSetting,
    private readonly log: Logger,
  ) {}

  send(record: {
    topic: string;
    key: Buffer | null;
    value: Buffer | null;
    timestamp: number;
    headers: Headers;
    partition?: number;
  }): void {
    const partition = record.partition ?? this.choosePartition(record.topic, record.key);
    this.buffer.push({
      topic: record.topic,
      partition,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }

  partitionCount(topic: string): number {
    const count = this.partitionCounts.get(topic);
    if (count === undefined) {
      throw new ProductionError(`topic '${topic}' is not known to this application (not created or not described at start)`);
    }
    return count;
  }

  /** Records buffered and not yet handed to the producer. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Starts sending what is buffered, unless a send is in flight (then it goes out right after). */
  sendBuffered(): void {
    this.throwIfFailed();
    if (this.sending || this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.sending = this.producer()
      .send(batch)
      .catch((err: unknown) => this.onSendFailure(err as Error, batch))
      .finally(() => {
        this.sending = undefined;
        if (!this.failure) this.sendBuffered();
      });
  }

  /** Sends what is buffered and waits until every record handed over so far is acknowledged. */
  async flush(): Promise<void> {
    this.sendBuffered();
    while (this.sending) {
      await this.sending;
      this.sendBuffered();
    }
    this.throwIfFailed();
  }

  /** Drops buffered records (after an aborted transaction, say). */
  discard(): void {
    this.buffer = [];
  }

  private onSendFailure(err: Error, batch: ProducerRecord[]): void {
    const handler = this.productionHandler;
    const response = typeof handler === 'function' ? handler(err, batch) : handler;
    if (response === 'continue') {
      this.droppedRecords += batch.length;
      this.log.error({ err, records: batch.length, topics: [...new Set(batch.map((r) => r.topic))] }, 'output records dropped');
      return;
    }
    this.failure ??= new ProductionError(`sending ${batch.length} records failed: ${err.message}`, { cause: err });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private choosePartition(topic: string, key: Buffer | null): number {
    const count = this.partitionCount(topic);
    if (key !== null) return partitionForKey(key, count);
    const next = ((this.roundRobin.get(topic) ?? -1) + 1) % count;
    this.roundRobin.set(topic, next);
    return next;
  }
}
