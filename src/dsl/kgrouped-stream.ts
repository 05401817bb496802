/**
 * A stream grouped by key (`groupByKey`/`groupBy`), ready to aggregate (Kafka Streams'
 * KGroupedStream). Each aggregation keeps its result per key in a state store and returns it as a
 * KTable; with `windowedBy`, per key and window.
 */
import { TopologyError } from '../topology/topology-error.js';
import { countSerde } from './count-serde.js';
import type { Aggregator, Initializer, Reducer } from './aggregators.js';
import type { GroupedInput } from './grouped-input.js';
import { KTable } from './ktable.js';
import { keyValueStoreBuilder, type Materialized } from './materialized.js';
import { aggregateSupplier, type Fold } from './processors/aggregate.js';
import type { Serde } from '../serde/types.js';
import { SessionWindowedKStream } from './session-windowed-kstream.js';
import { SessionWindows } from './session-windows.js';
import type { SlidingWindows } from './sliding-windows.js';
import { TimeWindowedKStream } from './time-windowed-kstream.js';
import type { TimeWindows } from './time-windows.js';
import { knownSerde } from './tracked-serde.js';
import { storeValueGetter } from './value-getter.js';

export class KGroupedStream<K, V> {
  /** Made by `KStream#groupByKey` and `KStream#groupBy`. */
  constructor(private readonly input: GroupedInput<K, V>) {}

  /** Number of records per key (records with a null key or value are skipped). */
  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.build(materialized, countSerde, (_key, _value, count) => (count ?? 0) + 1);
  }

  /** Combines the values of each key, starting with its first value: `(aggregate, value) => newAggregate`. */
  reduce(reducer: Reducer<V>, materialized: Materialized<K, V> = {}): KTable<K, V> {
    const storeName = this.storeName(materialized);
    const value = this.input.value(`reduce ${storeName}`, materialized.value);
    return this.build({ ...materialized, name: storeName }, value, (_key, v, current) => (current === undefined ? v : reducer(current, v)));
  }

  /**
   * Folds the values of each key into an aggregate of another type; the aggregate's serde must be
   * given (`Materialized.with(keySerde, valueSerde)` or `{ value }`) since it cannot be inferred.
   */
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, materialized: Materialized<K, VA> = {}): KTable<K, VA> {
    const storeName = this.storeName(materialized);
    if (materialized.value === undefined) {
      throw new TopologyError(`aggregate ${storeName}: pass the aggregate's serde as { value: <serde> } in Materialized`);
    }
    return this.build({ ...materialized, name: storeName }, materialized.value, (key, v, current) => aggregator(key, v, current ?? initializer()));
  }

  /** Aggregations per key and time window (tumbling, hopping or sliding). */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  /** Aggregations per key and session. */
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    return windows instanceof SessionWindows ? new SessionWindowedKStream(this.input, windows) : new TimeWindowedKStream(this.input, windows);
  }

  private storeName(materialized: Materialized<K, unknown>): string {
    return this.input.graph.nodeName(materialized, 'KSTREAM-AGGREGATE-STATE-STORE-');
  }

  private build<VA>(materialized: Materialized<K, VA>, valueSerde: Serde<VA>, fold: Fold<K, V, VA>): KTable<K, VA> {
    const storeName = this.storeName(materialized);
    const source = this.input.nodeFor(storeName);
    const key = this.input.key(`aggregation ${storeName}`, materialized.key);
    const graph = this.input.graph;
    const name = graph.generateName('KSTREAM-AGGREGATE-');
    graph.topology.addProcessor(name, aggregateSupplier(storeName, fold), source);
    graph.topology.addStateStore(keyValueStoreBuilder(storeName, materialized, key, materialized.value ?? valueSerde), name);
    return new KTable(graph, name, knownSerde(key), knownSerde(materialized.value ?? valueSerde), storeValueGetter(storeName), storeName);
  }
}
