/**
 * The stateless KTable operators: they transform both values of each Change, so that downstream
 * sees what the table's content became and what it was.
 */
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import { change, type Change } from '../change.js';

export type TablePredicate<K, V> = (key: K, value: V) => boolean;
export type TableValueMapper<K, V, VR> = (value: V, key: K) => VR;

abstract class ChangeProcessor<K, V, KOut, VOut> implements Processor<K, Change<V>, KOut, VOut> {
  protected context!: ProcessorContext<KOut, VOut>;

  init(context: ProcessorContext<KOut, VOut>): void {
    this.context = context;
  }

  abstract process(record: StreamRecord<K, Change<V>>): void;
}

/**
 * A value the predicate rejects counts as absent: an update that stops matching forwards a delete,
 * one that starts matching an insert, and a change that is absent on both sides is not forwarded.
 */
class TableFilterProcessor<K, V> extends ChangeProcessor<K, V, K, Change<V>> {
  constructor(private readonly keep: (key: K, value: V | null) => V | null) {
    super();
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const newValue = this.keep(record.key, record.value.newValue);
    const oldValue = this.keep(record.key, record.value.oldValue);
    if (newValue === null && oldValue === null) return;
    this.context.forward({ key: record.key, value: change(newValue, oldValue), timestamp: record.timestamp, headers: record.headers });
  }
}

class TableMapValuesProcessor<K, V, VR> extends ChangeProcessor<K, V, K, Change<VR>> {
  constructor(private readonly mapper: TableValueMapper<K, V, VR>) {
    super();
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const { newValue, oldValue } = record.value;
    const value = change(newValue === null ? null : this.mapper(newValue, record.key), oldValue === null ? null : this.mapper(oldValue, record.key));
    this.context.forward({ key: record.key, value, timestamp: record.timestamp, headers: record.headers });
  }
}

/** The table's updates as a stream: the new value, `null` for a delete. */
class ToStreamProcessor<K, V> extends ChangeProcessor<K, V, K, V | null> {
  process(record: StreamRecord<K, Change<V>>): void {
    this.context.forward({ key: record.key, value: record.value.newValue, timestamp: record.timestamp, headers: record.headers });
  }
}

/** `keep(key, value)`: the value if it passes the filter, else null. */
export function filterKeep<K, V>(predicate: TablePredicate<K, V>, negate: boolean): (key: K, value: V | null) => V | null {
  return (key, value) => (value !== null && predicate(key, value) !== negate ? value : null);
}

export const tableFilterSupplier = <K, V>(keep: (key: K, value: V | null) => V | null): ProcessorSupplier<K, Change<V>, K, Change<V>> =>
  () => new TableFilterProcessor(keep);
export const tableMapValuesSupplier = <K, V, VR>(mapper: TableValueMapper<K, V, VR>): ProcessorSupplier<K, Change<V>, K, Change<VR>> =>
  () => new TableMapValuesProcessor(mapper);
export const toStreamSupplier = <K, V>(): ProcessorSupplier<K, Change<V>, K, V | null> => () => new ToStreamProcessor<K, V>();
