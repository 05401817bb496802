/**
 * The input of the aggregations of one grouped stream. When the key changed since the data was
 * last partitioned by key (`groupBy`, or `map`/`selectKey` before `groupByKey`), records first go
 * through a repartition topic, `<appId>-<name>-repartition`, named after `Grouped.name` or else the
 * first aggregation's store, so that all records of a key meet in one task. The topic is made
 * once, when the first aggregation asks for it, and shared by later ones.
 */
import type { Serde } from '../serde/types.js';
import type { Grouped } from './options.js';
import type { StreamGraph } from './stream-graph.js';
import { requireSerde, type TrackedSerde } from './tracked-serde.js';

export class GroupedInput<K, V> {
  private repartitioned: string | undefined;

  constructor(
    readonly graph: StreamGraph,
    private readonly nodeName: string,
    private readonly keySerde: TrackedSerde<K>,
    private readonly valueSerde: TrackedSerde<V>,
    private readonly repartitionRequired: boolean,
    private readonly grouped: Grouped<K, V>,
  ) {}

  /** The node an aggregation with this store reads from (a repartition source, if needed). */
  nodeFor(storeName: string): string {
    if (!this.repartitionRequired) return this.nodeName;
    if (this.repartitioned !== undefined) return this.repartitioned;
    const topic = `${this.grouped.name ?? storeName}-repartition`;
    const at = `repartition ${topic} (before aggregation ${storeName})`;
    const key = this.key(at);
    const value = this.value(at);
    const topology = this.graph.topology;
    topology.addRepartitionTopic(topic);
    topology.addSink(`${topic}-sink`, topic, { key, value }, this.nodeName);
    topology.addSource(`${topic}-source`, topic, { key, value });
    this.repartitioned = `${topic}-source`;
    return this.repartitioned;
  }

  key(at: string, given?: Serde<K>): Serde<K> {
    return requireSerde(given ?? this.grouped.key, this.keySerde, 'key', at);
  }

  value(at: string, given?: Serde<V>): Serde<V> {
    return requireSerde(given ?? this.grouped.value, this.valueSerde, 'value', at);
  }
}
