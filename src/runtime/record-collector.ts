/**
 * Collects the records tasks produce while processing a batch and sends them to the broker in
 * batches. Sending is started without waiting (so output flows out while the next batch is
 * processed), but only one send is in flight at a time: concurrent sends may be retried out of
 * order (kafkajs retries each call on its own), which would reorder a partition's records. What
 * accumulates meanwhile goes out as the next, larger batch. `flush()` resolves only once everything
 * is acknowledged, which is what a commit waits for before it commits input offsets.
 */
import { partitionForKey } from '../broker/partitioner.js';
import type { Producer, ProducerRecord } from '../broker/types.js';
import type { Logger } from '../logger.js';
import type { OutgoingRecord, RecordCollector } from '../processor/record-collector.js';

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

/** Upper bound on the bytes of one send (keys, values and per-record overhead; headers are small). */
const MAX_SEND_BYTES = 900 * 1024;
const RECORD_OVERHEAD_BYTES = 80;

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

  /**
   * Buffers `record` itself, its partition filled in: callers hand over a fresh object per send,
   * and a copy per output record was a measurable share of the per-record cost.
   */
  send(record: OutgoingRecord): void {
    if (record.partition === undefined) record.partition = this.choosePartition(record.topic, record.key);
    this.buffer.push(record as ProducerRecord);
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
    const batch = this.takeSendableBatch();
    this.sending = this.producer()
      .send(batch)
      .catch((err: unknown) => this.onSendFailure(err as Error, batch))
      .finally(() => {
        this.sending = undefined;
        if (!this.failure) this.sendBuffered();
      });
  }

  /**
   * The longest prefix of the buffer under MAX_SEND_BYTES: Kafka refuses a produce request whose
   * batch for one partition exceeds its `message.max.bytes` (1 MiB by default), and kafkajs does
   * not split a send. What does not fit goes out in the next send.
   */
  private takeSendableBatch(): ProducerRecord[] {
    let bytes = 0;
    let count = 0;
    for (const record of this.buffer) {
      bytes += RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
      if (bytes > MAX_SEND_BYTES && count > 0) break;
      count++;
    }
    if (count === this.buffer.length) {
      const all = this.buffer;
      this.buffer = [];
      return all;
    }
    return this.buffer.splice(0, count);
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
