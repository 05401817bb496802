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
import { unknownSerde, type TrackedSerde } from './tracked-serde.js';
import { mappedValueGetter, type ValueGetterSupplier } from './value-getter.js';
import { suppressSupplier } from './processors/suppress.js';
import type { Suppressed } from './suppressed.js';
import { TopologyError } from '../topology/topology-error.js';
import type { Windowed } from './windowed.js';

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
    /** @internal Set on windowed aggregation results: the grace period of their windows (for `suppress`). */
    readonly windowGraceMs?: number,
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
      this.windowGraceMs,
    );
  }

  /**
   * Holds back updates of a windowed aggregation's result and emits one final result per window
   * when it closes (see `Suppressed.untilWindowCloses`).
   */
  suppress<KW>(this: KTable<Windowed<KW>, V>, suppressed: Suppressed, named?: Named): KTable<Windowed<KW>, V> {
    const graceMs = this.windowGraceMs;
    const name = this.graph.nodeName(named, 'KTABLE-SUPPRESS-');
    if (graceMs === undefined) throw new TopologyError(`suppress ${name}: untilWindowCloses() needs the result of a windowed aggregation`);
    if (!('known' in this.keySerde)) throw new TopologyError(`suppress ${name}: the windowed key serde is unknown`);
    const keySerde = this.keySerde.known;
    const identify = (key: Windowed<KW>): string => keySerde.serialize(key, name)!.toString('latin1');
    this.graph.topology.addProcessor(name, suppressSupplier<KW, V>(graceMs, suppressed, identify), this.nodeName);
    return new KTable(this.graph, name, this.keySerde, this.valueSerde, this.valueGetter, undefined, graceMs);
  }

  /** Every update as a record: the new value, or `null` when the key was deleted. */
  toStream(named?: Named): KStream<K, V | null> {
    const name = this.addProcessor('KTABLE-TOSTREAM-', named, toStreamSupplier<K, V>());
    return new KStream(this.graph, name, this.keySerde, this.valueSerde as TrackedSerde<V | null>, false);
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
    return new KTable(this.graph, name, this.keySerde, this.valueSerde, mappedValueGetter(this.valueGetter, (v, k) => keep(k, v)), undefined, this.windowGraceMs);
  }
}
