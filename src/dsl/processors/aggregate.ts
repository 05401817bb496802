/**
 * The processor behind `count`, `reduce` and `aggregate` of a grouped stream: folds each record into
 * the key's current result in a key-value store and forwards the new result (with the old one) as
 * a KTable change. Records with a null key or value are skipped and counted as dropped, as in Kafka
 * Streams.
 */
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { Change } from '../change.js';
import { type FlushableKeyValueStore, TableForwarder } from './table-forwarder.js';

/** The new result from the record and the current one (undefined for the key's first record). */
export type Fold<K, V, VA> = (key: K, value: V, current: VA | undefined) => VA;

class AggregateProcessor<K, V, VA> implements Processor<K, V, K, Change<VA>> {
  private context!: ProcessorContext<K, Change<VA>>;
  private store!: FlushableKeyValueStore<K, VA>;
  private forwarder!: TableForwarder<K, VA>;

  constructor(
    private readonly storeName: string,
    private readonly fold: Fold<K, V, VA>,
  ) {}

  init(context: ProcessorContext<K, Change<VA>>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
    this.forwarder = new TableForwarder(this.store, context);
  }

  process(record: StreamRecord<K, V>): void {
    if (record.key === null || record.value === null) {
      this.context.countDroppedRecord();
      return;
    }
    const oldValue = this.store.get(record.key);
    const newValue = this.fold(record.key, record.value, oldValue);
    this.store.put(record.key, newValue, record.headers);
    this.forwarder.maybeForward(record.key, newValue, oldValue ?? null, record.timestamp, record.headers);
  }
}

export const aggregateSupplier = <K, V, VA>(storeName: string, fold: Fold<K, V, VA>): ProcessorSupplier<K, V, K, Change<VA>> =>
  () => new AggregateProcessor(storeName, fold);
