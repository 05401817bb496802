/**
 * A changelog stream read as a table: the latest value per key (Kafka Streams' KTable). Between
 * operators, records carry a `Change` (new and old value), so every table downstream stays correct
 * on updates and deletes. Made by `StreamsBuilder#table` and by aggregations.
 */
import type { ProcessorSupplier } from '../processor/api.js';
import type { Named } from './options.js';
import type { Change } from './change.js';
import { KStream } from './kstream.js';
import { filterKeep, tableFilterSupplier, tableMapValuesSupplier, toStreamSupplier, type TablePredicate, type TableValueMapper } from './processors/table-ops.js';
import type { StreamGraph } from './stream-graph.js';
import { knownSerde, requireSerde, unknownSerde, type TrackedSerde } from './tracked-serde.js';
import { keyValueStoreBuilder, type Materialized } from './materialized.js';
import { joinOnForeignKey } from './foreign-key-join.js';
import { Serdes } from '../serde/index.js';
import type { Serde } from '../serde/types.js';
import { mappedValueGetter, type ValueGetterSupplier } from './value-getter.js';
import { suppressSupplier } from './processors/suppress.js';
import type { Suppressed } from './suppressed.js';
import { TopologyError } from '../topology/topology-error.js';
import type { Windowed } from './windowed.js';
import type { LeftValueJoiner, OuterValueJoiner, ValueJoiner } from './joiners.js';
import { joinTables } from './table-joins.js';

export class KTable<K, V> {
  /** Tables are made by `StreamsBuilder#table` and by operators, not directly. */
  constructor(
    /** @internal */ readonly graph: StreamGraph,
    /** The topology node this table's changes come out of. */
    readonly nodeName: string,
    readonly keySerde: TrackedSerde<K>,
    readonly valueSerde: TrackedSerde<V>,
    /** @internal How joins read this table's current value of a key. */
    readonly valueGetter: ValueGetterSupplier<K, V>,
    /** The store to query for this table's content, when it has one of its own. */
    readonly queryableStoreName: string | undefined,
    /**
     * @internal Set on windowed aggregation results, for `suppress`: a window's result is final
     * once stream time reaches its end plus this (grace, plus 1 ms when the end is inclusive).
     */
    readonly windowCloseAfterEndMs?: number,
  ) {}

  /** Keeps the entries the predicate accepts; an update that stops matching deletes the key downstream. */
  filter(predicate: TablePredicate<K, V>, named?: Named): KTable<K, V> {
    return this.filtered(predicate, false, named);
  }

  /** Drops the entries the predicate accepts. */
  filterNot(predicate: TablePredicate<K, V>, named?: Named): KTable<K, V> {
    return this.filtered(predicate, true, named);
  }

  /** A new value per entry, same key: `(value, key) => newValue`. */
  mapValues<VR>(mapper: TableValueMapper<K, V, VR>, named?: Named): KTable<K, VR> {
    const name = this.addProcessor('KTABLE-MAPVALUES-', named, tableMapValuesSupplier(mapper));
    return new KTable(
      this.graph,
      name,
      this.keySerde,
      unknownSerde<VR>(`mapValues ${name}`),
      mappedValueGetter(this.valueGetter, mapper),
      undefined,
      this.windowCloseAfterEndMs,
    );
  }

  /**
   * Holds back updates of a windowed aggregation's result and emits one final result per window
   * when it closes (see `Suppressed.untilWindowCloses`). The buffer is a logged store
   * (`<name>-store`, generated-named otherwise); `options.value` gives its value serde when the
   * table's is unknown (after `mapValues`).
   */
  suppress<KW>(this: KTable<Windowed<KW>, V>, suppressed: Suppressed, options: Named & { value?: Serde<V> } = {}): KTable<Windowed<KW>, V> {
    const closeAfterEndMs = this.windowCloseAfterEndMs;
    const name = this.graph.nodeName(options, 'KTABLE-SUPPRESS-');
    if (closeAfterEndMs === undefined) throw new TopologyError(`suppress ${name}: untilWindowCloses() needs the result of a windowed aggregation`);
    const keySerde = requireSerde(undefined, this.keySerde, 'key', `suppress ${name}`);
    const valueSerde = requireSerde(options.value, this.valueSerde, 'value', `suppress ${name}`);
    const storeName = options.name === undefined ? this.graph.generateName('KTABLE-SUPPRESS-STATE-STORE-') : `${name}-store`;
    const topology = this.graph.topology;
    topology.addProcessor(name, suppressSupplier<KW, V>({ storeName, closeAfterEndMs, suppressed, keySerde, valueSerde }), this.nodeName);
    topology.addStateStore(keyValueStoreBuilder(storeName, {}, Serdes.bytes(), Serdes.bytes()), name);
    return new KTable(this.graph, name, this.keySerde, knownSerde(valueSerde), this.valueGetter, undefined, closeAfterEndMs);
  }

  /** Every update as a record: the new value, or `null` when the key was deleted. */
  toStream(named?: Named): KStream<K, V | null> {
    const name = this.addProcessor('KTABLE-TOSTREAM-', named, toStreamSupplier<K, V>());
    return new KStream(this.graph, name, this.keySerde, this.valueSerde as TrackedSerde<V | null>, false);
  }

  /**
   * Joins with another table on the key: the result has an entry while both tables have one. With
   * a foreign-key extractor, joins each entry with the other table's entry of the key its value
   * names (see `joinOnForeignKey`): `join(other, (v) => v.siteId, joiner, Materialized.with(...))`.
   */
  join<VO, VJ>(other: KTable<K, VO>, joiner: ValueJoiner<K, V, VO, VJ>, named?: Named): KTable<K, VJ>;
  join<KO, VO, VJ>(other: KTable<KO, VO>, foreignKey: (value: V) => KO, joiner: ValueJoiner<K, V, VO, VJ>, materialized: Materialized<K, VJ>): KTable<K, VJ>;
  join(other: unknown, ...args: unknown[]): KTable<K, unknown> {
    if (typeof args[1] === 'function') {
      const [foreignKey, joiner, materialized] = args as [(value: V) => unknown, ValueJoiner<K, V, unknown, unknown>, Materialized<K, unknown>];
      return joinOnForeignKey(this, other as KTable<unknown, unknown>, foreignKey, (value, otherValue, key) => joiner(value, otherValue!, key), false, materialized);
    }
    const [joiner, named] = args as [ValueJoiner<K, V, unknown, unknown>, Named | undefined];
    return joinTables<K, V, unknown, unknown>(this, other as KTable<K, unknown>, 'inner', (value, otherValue, key) => joiner(value!, otherValue!, key), named);
  }

  /** Like `join`, but the result has an entry while this table has one (`null` for a missing other side). */
  leftJoin<VO, VJ>(other: KTable<K, VO>, joiner: LeftValueJoiner<K, V, VO, VJ>, named?: Named): KTable<K, VJ>;
  leftJoin<KO, VO, VJ>(other: KTable<KO, VO>, foreignKey: (value: V) => KO, joiner: LeftValueJoiner<K, V, VO, VJ>, materialized: Materialized<K, VJ>): KTable<K, VJ>;
  leftJoin(other: unknown, ...args: unknown[]): KTable<K, unknown> {
    if (typeof args[1] === 'function') {
      const [foreignKey, joiner, materialized] = args as [(value: V) => unknown, LeftValueJoiner<K, V, unknown, unknown>, Materialized<K, unknown>];
      return joinOnForeignKey(this, other as KTable<unknown, unknown>, foreignKey, joiner, true, materialized);
    }
    const [joiner, named] = args as [LeftValueJoiner<K, V, unknown, unknown>, Named | undefined];
    return joinTables<K, V, unknown, unknown>(this, other as KTable<K, unknown>, 'left', (value, otherValue, key) => joiner(value!, otherValue, key), named);
  }

  /** Joins with another table on the key: the result has an entry while either table has one. */
  outerJoin<VO, VJ>(other: KTable<K, VO>, joiner: OuterValueJoiner<K, V, VO, VJ>, named?: Named): KTable<K, VJ> {
    return joinTables(this, other, 'outer', joiner, named);
  }

  /** @internal Adds a processor reading this table's changes. */
  addProcessor<KOut, VOut>(
    prefix: string,
    named: Named | undefined,
    supplier: ProcessorSupplier<K, Change<V>, KOut, VOut>,
  ): string {
    const name = this.graph.nodeName(named, prefix);
    this.graph.topology.addProcessor(name, supplier, this.nodeName);
    return name;
  }

  private filtered(predicate: TablePredicate<K, V>, negate: boolean, named: Named | undefined): KTable<K, V> {
    const keep = filterKeep(predicate, negate);
    const name = this.addProcessor('KTABLE-FILTER-', named, tableFilterSupplier(keep));
    return new KTable(this.graph, name, this.keySerde, this.valueSerde, mappedValueGetter(this.valueGetter, (v, k) => keep(k, v)), undefined, this.windowCloseAfterEndMs);
  }
}
