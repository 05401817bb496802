/**
 * A grouped stream windowed by `SessionWindows` (Kafka Streams' SessionWindowedKStream):
 * aggregations per key and session, returned as a KTable keyed by `Windowed<K>` whose window is
 * the session's `[first, last]` record time. Sessions are kept for gap + grace after they end.
 */
import type { Serde } from '../serde/types.js';
import { TopologyError } from '../topology/topology-error.js';
import type { Aggregator, Initializer, Merger, Reducer } from './aggregators.js';
import { countSerde } from './count-serde.js';
import type { GroupedInput } from './grouped-input.js';
import { KTable } from './ktable.js';
import { sessionStoreBuilder, type Materialized } from './materialized.js';
import type { Fold } from './processors/aggregate.js';
import { sessionAggregateSupplier, type SessionMerge } from './processors/session-aggregate.js';
import type { SessionWindows } from './session-windows.js';
import { knownSerde } from './tracked-serde.js';
import type { ValueGetterSupplier } from './value-getter.js';
import { sessionWindowedSerde, type Windowed } from './windowed.js';

export class SessionWindowedKStream<K, V> {
  constructor(
    private readonly input: GroupedInput<K, V>,
    private readonly windows: SessionWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.build(materialized, countSerde, (_key, _value, count) => (count ?? 0) + 1, (_key, count, other) => (count ?? 0) + other);
  }

  reduce(reducer: Reducer<V>, materialized: Materialized<K, V> = {}): KTable<Windowed<K>, V> {
    const storeName = this.storeName(materialized);
    const value = this.input.value(`reduce ${storeName}`, materialized.value);
    const combine = (current: V | undefined, v: V): V => (current === undefined ? v : reducer(current, v));
    return this.build({ ...materialized, name: storeName }, value, (_key, v, current) => combine(current, v), (_key, current, other) => combine(current, other));
  }

  /** `merger` combines the aggregates of two sessions that a new record joins into one. */
  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    merger: Merger<K, VA>,
    materialized: Materialized<K, VA> = {},
  ): KTable<Windowed<K>, VA> {
    const storeName = this.storeName(materialized);
    if (materialized.value === undefined) {
      throw new TopologyError(`aggregate ${storeName}: pass the aggregate's serde as { value: <serde> } in Materialized`);
    }
    return this.build(
      { ...materialized, name: storeName },
      materialized.value,
      (key, v, current) => aggregator(key, v, current ?? initializer()),
      (key, current, other) => merger(key, current ?? initializer(), other),
    );
  }

  private storeName(materialized: Materialized<K, unknown>): string {
    return this.input.graph.nodeName(materialized, 'KSTREAM-AGGREGATE-STATE-STORE-');
  }

  private build<VA>(materialized: Materialized<K, VA>, valueSerde: Serde<VA>, fold: Fold<K, V, VA>, merge: SessionMerge<K, VA>): KTable<Windowed<K>, VA> {
    const storeName = this.storeName(materialized);
    const source = this.input.nodeFor(storeName);
    const key = this.input.key(`session aggregation ${storeName}`, materialized.key);
    const value = materialized.value ?? valueSerde;
    const windows = this.windows;
    const graph = this.input.graph;
    const name = graph.generateName('KSTREAM-AGGREGATE-');
    graph.topology.addProcessor(name, sessionAggregateSupplier(storeName, windows, fold, merge), source);
    graph.topology.addStateStore(sessionStoreBuilder(storeName, materialized, key, value, windows.inactivityGapMs + windows.graceMs), name);
    return new KTable(graph, name, knownSerde(sessionWindowedSerde(key)), knownSerde(value), sessionValueGetter<K, VA>(storeName), storeName, windows.graceMs + 1); // session ends are inclusive
  }
}

/** Reads one session's result: the windowed key names the key and the session's bounds. */
function sessionValueGetter<K, VA>(storeName: string): ValueGetterSupplier<Windowed<K>, VA> {
  return {
    storeNames: [storeName],
    get: (context) => {
      const store = context.getStateStore<{ fetchSession(key: K, start: number, end: number): VA | undefined }>(storeName);
      return (windowed) => store.fetchSession(windowed.key, windowed.window.start, windowed.window.end) ?? null;
    },
  };
}
