/**
 * A grouped stream windowed by `TimeWindows` or `SlidingWindows` (Kafka Streams'
 * TimeWindowedKStream): aggregations per key and window, returned as a KTable keyed by
 * `Windowed<K>`. The window store keeps windows for size + grace (or `Materialized.retentionMs`, if
 * longer). Sliding windows also keep the recent input records (`<store>-records`), so their value
 * serde must be known (or given in `Grouped`).
 */
import type { Serde } from '../serde/types.js';
import { TopologyError } from '../topology/topology-error.js';
import type { Aggregator, Initializer, Reducer } from './aggregators.js';
import { countSerde } from './count-serde.js';
import type { GroupedInput } from './grouped-input.js';
import { KTable } from './ktable.js';
import { windowStoreBuilder, type Materialized } from './materialized.js';
import type { Fold } from './processors/aggregate.js';
import { windowedAggregateSupplier } from './processors/windowed-aggregate.js';
import { listSerde } from './list-serde.js';
import { slidingAggregateSupplier } from './processors/sliding-aggregate.js';
import type { SlidingWindows } from './sliding-windows.js';
import { TimeWindows } from './time-windows.js';
import { knownSerde } from './tracked-serde.js';
import { timeWindowedSerde, type Windowed } from './windowed.js';
import type { ValueGetterSupplier } from './value-getter.js';

export class TimeWindowedKStream<K, V> {
  constructor(
    private readonly input: GroupedInput<K, V>,
    private readonly windows: TimeWindows | SlidingWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.build(materialized, countSerde, (_key, _value, count) => (count ?? 0) + 1);
  }

  reduce(reducer: Reducer<V>, materialized: Materialized<K, V> = {}): KTable<Windowed<K>, V> {
    const storeName = this.storeName(materialized);
    const value = this.input.value(`reduce ${storeName}`, materialized.value);
    return this.build({ ...materialized, name: storeName }, value, (_key, v, current) => (current === undefined ? v : reducer(current, v)));
  }

  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, materialized: Materialized<K, VA> = {}): KTable<Windowed<K>, VA> {
    const storeName = this.storeName(materialized);
    if (materialized.value === undefined) {
      throw new TopologyError(`aggregate ${storeName}: pass the aggregate's serde as { value: <serde> } in Materialized`);
    }
    return this.build({ ...materialized, name: storeName }, materialized.value, (key, v, current) => aggregator(key, v, current ?? initializer()));
  }

  private storeName(materialized: Materialized<K, unknown>): string {
    return this.input.graph.nodeName(materialized, 'KSTREAM-AGGREGATE-STATE-STORE-');
  }

  private build<VA>(materialized: Materialized<K, VA>, valueSerde: Serde<VA>, fold: Fold<K, V, VA>): KTable<Windowed<K>, VA> {
    const storeName = this.storeName(materialized);
    const source = this.input.nodeFor(storeName);
    const key = this.input.key(`windowed aggregation ${storeName}`, materialized.key);
    const value = materialized.value ?? valueSerde;
    const graph = this.input.graph;
    const name = graph.generateName('KSTREAM-AGGREGATE-');
    const topology = graph.topology;
    const windows = this.windows;
    if (windows instanceof TimeWindows) {
      topology.addProcessor(name, windowedAggregateSupplier(storeName, windows, fold), source);
      const store = windowStoreBuilder(storeName, materialized, key, value, windows.sizeMs, windows.sizeMs + windows.graceMs);
      topology.addStateStore(materialized.caching === false ? store : store.withCachingEnabled(), name);
      return this.table(storeName, name, timeWindowedSerde(key, windows.sizeMs), value, windows.graceMs);
    }
    // Sliding windows include both ends: `[start, start + difference]`.
    const difference = windows.timeDifferenceMs;
    const retention = difference + windows.graceMs + 1;
    const recordStore = `${storeName}-records`;
    const recordValues = listSerde(this.input.value(`sliding windows ${storeName} (its records store)`));
    topology.addProcessor(name, slidingAggregateSupplier(storeName, recordStore, windows, fold), source);
    topology.addStateStore(windowStoreBuilder(storeName, materialized, key, value, difference, retention), name);
    topology.addStateStore(windowStoreBuilder(recordStore, { storeType: materialized.storeType, logging: materialized.logging }, key, recordValues, 1, retention), name);
    return this.table(storeName, name, timeWindowedSerde(key, difference), value, windows.graceMs + 1);
  }

  private table<VA>(storeName: string, name: string, key: Serde<Windowed<K>>, value: Serde<VA>, closeAfterEndMs: number): KTable<Windowed<K>, VA> {
    return new KTable(this.input.graph, name, knownSerde(key), knownSerde(value), windowValueGetter<K, VA>(storeName), storeName, closeAfterEndMs);
  }
}

/** Reads one window's result: the windowed key names both the key and the window. */
function windowValueGetter<K, VA>(storeName: string): ValueGetterSupplier<Windowed<K>, VA> {
  return {
    storeNames: [storeName],
    get: (context) => {
      const store = context.getStateStore<{ get(key: K, windowStart: number): VA | undefined }>(storeName);
      return (windowed) => store.get(windowed.key, windowed.window.start) ?? null;
    },
  };
}
