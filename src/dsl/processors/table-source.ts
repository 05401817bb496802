/**
 * The processor behind `StreamsBuilder#table`: each record is the key's latest value, a `null`
 * value (tombstone) deletes the key. Changes go downstream through the store's cache.
 */
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { Change } from '../change.js';
import { type FlushableKeyValueStore, TableForwarder } from './table-forwarder.js';

class TableSourceProcessor<K, V> implements Processor<K, V | null, K, Change<V>> {
  private context!: ProcessorContext<K, Change<V>>;
  private store!: FlushableKeyValueStore<K, V>;
  private forwarder!: TableForwarder<K, V>;

  constructor(private readonly storeName: string) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
    this.forwarder = new TableForwarder(this.store, context);
  }

  process(record: StreamRecord<K, V | null>): void {
    if (record.key === null) {
      this.context.countDroppedRecord();
      return;
    }
    const { key, value } = record;
    if (value === null) {
      const oldValue = this.store.delete(key, record.headers);
      // A tombstone for a key the table does not have changes nothing.
      if (oldValue !== undefined) this.forwarder.maybeForward(key, null, oldValue, record.timestamp, record.headers);
      return;
    }
    const oldValue = this.store.get(key);
    this.store.put(key, value, record.headers);
    this.forwarder.maybeForward(key, value, oldValue ?? null, record.timestamp, record.headers);
  }
}

export const tableSourceSupplier = <K, V>(storeName: string): ProcessorSupplier<K, V | null, K, Change<V>> =>
  () => new TableSourceProcessor<K, V>(storeName);

/** Keeps a global store up to date from its topic; nothing is forwarded (global stores have no downstream). */
class GlobalTableUpdater<K, V> implements Processor<K, V | null> {
  private store!: FlushableKeyValueStore<K, V>;

  constructor(private readonly storeName: string) {}

  init(context: ProcessorContext): void {
    this.store = context.getStateStore(this.storeName);
  }

  process(record: StreamRecord<K, V | null>): void {
    if (record.key === null) return;
    if (record.value === null) this.store.delete(record.key);
    else this.store.put(record.key, record.value);
  }
}

export const globalTableUpdaterSupplier = <K, V>(storeName: string): ProcessorSupplier<K, V | null> =>
  () => new GlobalTableUpdater<K, V>(storeName);
