/**
 * Entry point of the DSL: declare input streams, chain operators, then `build()` the Topology that
 * a StreamsApp (or the TopologyTestDriver) runs.
 */
import type { StoreBuilder } from '../state/types.js';
import type { Topology } from '../topology/topology.js';
import { KStream } from './kstream.js';
import type { Consumed } from './options.js';
import { GlobalKTable } from './global-ktable.js';
import { KTable } from './ktable.js';
import { keyValueStoreBuilder, type Materialized } from './materialized.js';
import { globalTableUpdaterSupplier, tableSourceSupplier } from './processors/table-source.js';
import { storeValueGetter } from './value-getter.js';
import { StreamGraph } from './stream-graph.js';
import { knownSerde } from './tracked-serde.js';

export class StreamsBuilder {
  private readonly graph = new StreamGraph();

  /** A stream of the records of one or more topics; the serdes fix the stream's types. */
  stream<K, V>(topics: string | readonly string[], consumed: Consumed<K, V>): KStream<K, V> {
    const name = this.graph.nodeName(consumed, 'KSTREAM-SOURCE-');
    this.graph.topology.addSource(name, topics, {
      key: consumed.key,
      value: consumed.value,
      timestampExtractor: consumed.timestampExtractor,
    });
    return new KStream(this.graph, name, knownSerde(consumed.key), knownSerde(consumed.value), false);
  }

  /**
   * A table of a topic's latest value per key: each record updates its key, a `null` value
   * (tombstone) deletes it. Materialized in a store, generated-named unless `materialized.name`.
   */
  table<K, V>(topic: string, consumed: Consumed<K, V>, materialized: Materialized<K, V> = {}): KTable<K, V> {
    const sourceName = this.graph.nodeName(consumed, 'KSTREAM-SOURCE-');
    const storeName = this.graph.nodeName(materialized, `${topic}-STATE-STORE-`);
    const name = this.graph.generateName('KTABLE-SOURCE-');
    const key = materialized.key ?? consumed.key;
    const value = materialized.value ?? consumed.value;
    const topology = this.graph.topology;
    topology.addSource(sourceName, topic, { key: consumed.key, value: consumed.value, timestampExtractor: consumed.timestampExtractor });
    topology.addProcessor(name, tableSourceSupplier<K, V>(storeName), sourceName);
    topology.addStateStore(keyValueStoreBuilder(storeName, materialized, key, value), name);
    return new KTable(this.graph, name, knownSerde(key), knownSerde(value), storeValueGetter(storeName), storeName);
  }

  /**
   * A table of a topic's latest value per key, from all its partitions, in every task (see
   * GlobalKTable). Its store does not log: the topic itself restores it.
   */
  globalTable<K, V>(topic: string, consumed: Consumed<K, V>, materialized: Materialized<K, V> = {}): GlobalKTable<K, V> {
    const sourceName = this.graph.nodeName(consumed, 'KSTREAM-SOURCE-');
    const storeName = this.graph.nodeName(materialized, `${topic}-STATE-STORE-`);
    const name = this.graph.generateName('KTABLE-SOURCE-');
    const store = keyValueStoreBuilder(storeName, { ...materialized, logging: false }, materialized.key ?? consumed.key, materialized.value ?? consumed.value);
    this.graph.topology.addGlobalStore(store, sourceName, topic, consumed, name, globalTableUpdaterSupplier<K, V>(storeName));
    return new GlobalKTable(storeName);
  }

  /** Registers a state store; processors get access by naming it in `KStream#process`. */
  addStateStore(builder: StoreBuilder): this {
    this.graph.topology.addStateStore(builder);
    return this;
  }

  build(): Topology {
    return this.graph.topology;
  }
}
