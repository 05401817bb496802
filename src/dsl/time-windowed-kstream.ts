/**
 * A grouped stream windowed by `TimeWindows` (Kafka Streams' TimeWindowedKStream): aggregations
 * per key and window, returned as a KTable keyed by `Windowed<K>`. The window store keeps windows
 * for size + grace (or `Materialized.retentionMs`, if longer).
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
import type { TimeWindows } from './time-windows.js';
import { knownSerde } from './tracked-serde.js';
import { timeWindowedSerde, type Windowed } from './windowed.js';
import type { ValueGetterSupplier } from './value-getter.js';

export class TimeWindowedKStream<K, V> {
  constructor(
    private readonly input: GroupedInput<K, V>,
    private readonly windows: TimeWindows,
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
    const windows = this.windows;
    const sizeMs = windows.sizeMs;
    const graph = this.input.graph;
    const name = graph.generateName('KSTREAM-AGGREGATE-');
    graph.topology.addProcessor(name, windowedAggregateSupplier(storeName, windows, fold), source);
    graph.topology.addStateStore(windowStoreBuilder(storeName, materialized, key, value, sizeMs, sizeMs + windows.graceMs), name);
    const windowedKey = timeWindowedSerde(key, sizeMs);
    return new KTable(graph, name, knownSerde(windowedKey), knownSerde(value), windowValueGetter<K, VA>(storeName), storeName, windows.graceMs);
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
