/**
 * The record-at-a-time processors behind the stateless DSL operators. One instance per task; the
 * user's function is called with `(key, value, record)` (or `(value, record)` for value mappers).
 * New records are built with the same property order everywhere, so V8 sees one record shape.
 */
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';

export type Predicate<K, V> = (key: K, value: V, record: StreamRecord<K, V>) => boolean;
export type KeyValueMapper<K, V, R> = (key: K, value: V, record: StreamRecord<K, V>) => R;
export type ValueMapper<K, V, R> = (value: V, record: StreamRecord<K, V>) => R;
export type ForeachAction<K, V> = (key: K, value: V, record: StreamRecord<K, V>) => void;

abstract class ForwardingProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
  protected context!: ProcessorContext<KOut, VOut>;

  init(context: ProcessorContext<KOut, VOut>): void {
    this.context = context;
  }

  abstract process(record: StreamRecord<KIn, VIn>): void;
}

class FilterProcessor<K, V> extends ForwardingProcessor<K, V, K, V> {
  constructor(
    private readonly predicate: Predicate<K, V>,
    /** filterNot: forward the records the predicate rejects. */
    private readonly negate: boolean,
  ) {
    super();
  }

  process(record: StreamRecord<K, V>): void {
    if (!this.predicate(record.key, record.value, record) === this.negate) this.context.forward(record);
  }
}

class MapProcessor<K, V, KR, VR> extends ForwardingProcessor<K, V, KR, VR> {
  constructor(private readonly mapper: KeyValueMapper<K, V, readonly [KR, VR]>) {
    super();
  }

  process(record: StreamRecord<K, V>): void {
    const [key, value] = this.mapper(record.key, record.value, record);
    this.context.forward({ key, value, timestamp: record.timestamp, headers: record.headers });
  }
}

class MapValuesProcessor<K, V, VR> extends ForwardingProcessor<K, V, K, VR> {
  constructor(private readonly mapper: ValueMapper<K, V, VR>) {
    super();
  }

  process(record: StreamRecord<K, V>): void {
    const value = this.mapper(record.value, record);
    this.context.forward({ key: record.key, value, timestamp: record.timestamp, headers: record.headers });
  }
}

class SelectKeyProcessor<K, V, KR> extends ForwardingProcessor<K, V, KR, V> {
  constructor(private readonly mapper: KeyValueMapper<K, V, KR>) {
    super();
  }

  process(record: StreamRecord<K, V>): void {
    const key = this.mapper(record.key, record.value, record);
    this.context.forward({ key, value: record.value, timestamp: record.timestamp, headers: record.headers });
  }
}

class FlatMapProcessor<K, V, KR, VR> extends ForwardingProcessor<K, V, KR, VR> {
  constructor(private readonly mapper: KeyValueMapper<K, V, Iterable<readonly [KR, VR]>>) {
    super();
  }

  process(record: StreamRecord<K, V>): void {
    for (const [key, value] of this.mapper(record.key, record.value, record)) {
      this.context.forward({ key, value, timestamp: record.timestamp, headers: record.headers });
    }
  }
}

class FlatMapValuesProcessor<K, V, VR> extends ForwardingProcessor<K, V, K, VR> {
  constructor(private readonly mapper: ValueMapper<K, V, Iterable<VR>>) {
    super();
  }

  process(record: StreamRecord<K, V>): void {
    for (const value of this.mapper(record.value, record)) {
      this.context.forward({ key: record.key, value, timestamp: record.timestamp, headers: record.headers });
    }
  }
}

class PeekProcessor<K, V> extends ForwardingProcessor<K, V, K, V> {
  constructor(private readonly action: ForeachAction<K, V>) {
    super();
  }

  process(record: StreamRecord<K, V>): void {
    this.action(record.key, record.value, record);
    this.context.forward(record);
  }
}

class ForeachProcessor<K, V> implements Processor<K, V> {
  constructor(private readonly action: ForeachAction<K, V>) {}

  process(record: StreamRecord<K, V>): void {
    this.action(record.key, record.value, record);
  }
}

/** Forwards every record unchanged: the node where merged streams meet, or a branch's entry. */
class PassThroughProcessor<K, V> extends ForwardingProcessor<K, V, K, V> {
  process(record: StreamRecord<K, V>): void {
    this.context.forward(record);
  }
}

export const filterSupplier = <K, V>(predicate: Predicate<K, V>, negate: boolean): ProcessorSupplier<K, V, K, V> =>
  () => new FilterProcessor(predicate, negate);
export const mapSupplier = <K, V, KR, VR>(mapper: KeyValueMapper<K, V, readonly [KR, VR]>): ProcessorSupplier<K, V, KR, VR> =>
  () => new MapProcessor(mapper);
export const mapValuesSupplier = <K, V, VR>(mapper: ValueMapper<K, V, VR>): ProcessorSupplier<K, V, K, VR> =>
  () => new MapValuesProcessor(mapper);
export const selectKeySupplier = <K, V, KR>(mapper: KeyValueMapper<K, V, KR>): ProcessorSupplier<K, V, KR, V> =>
  () => new SelectKeyProcessor(mapper);
export const flatMapSupplier = <K, V, KR, VR>(
  mapper: KeyValueMapper<K, V, Iterable<readonly [KR, VR]>>,
): ProcessorSupplier<K, V, KR, VR> => () => new FlatMapProcessor(mapper);
export const flatMapValuesSupplier = <K, V, VR>(mapper: ValueMapper<K, V, Iterable<VR>>): ProcessorSupplier<K, V, K, VR> =>
  () => new FlatMapValuesProcessor(mapper);
export const peekSupplier = <K, V>(action: ForeachAction<K, V>): ProcessorSupplier<K, V, K, V> => () => new PeekProcessor(action);
export const foreachSupplier = <K, V>(action: ForeachAction<K, V>): ProcessorSupplier<K, V> => () => new ForeachProcessor(action);
export const passThroughSupplier = <K, V>(): ProcessorSupplier<K, V, K, V> => () => new PassThroughProcessor<K, V>();
