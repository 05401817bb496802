/**
 * A stream of records: what the DSL is about. Every operator adds a node to the topology and
 * returns a new KStream positioned at that node, typed by what the operator produces, so a chain
 * like `stream(...).filter(...).mapValues(...)` is fully inferred.
 *
 * Besides its position, a KStream remembers its key and value serdes (while no operator changed
 * the type) and whether its key changed since it was last partitioned by key (so the next keyed,
 * stateful operator knows it must repartition first).
 */
import type { ProcessorSupplier } from '../processor/api.js';
import type { Serde } from '../serde/types.js';
import type { TopicNameExtractor } from '../topology/nodes.js';
import { TopologyError } from '../topology/topology-error.js';
import { BranchedKStream } from './branched-kstream.js';
import type { Grouped, Joined, Named, Produced, Repartitioned, StreamJoined } from './options.js';
import { GlobalKTable } from './global-ktable.js';
import { JoinWindows } from './join-windows.js';
import type { LeftValueJoiner, OuterValueJoiner, ValueJoiner } from './joiners.js';
import type { KTable } from './ktable.js';
import { joinStreamGlobalTable, joinStreams, joinStreamTable } from './stream-joins.js';
import { GroupedInput } from './grouped-input.js';
import { KGroupedStream } from './kgrouped-stream.js';
import {
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  foreachSupplier,
  mapSupplier,
  mapValuesSupplier,
  passThroughSupplier,
  peekSupplier,
  selectKeySupplier,
  type ForeachAction,
  type KeyValueMapper,
  type Predicate,
  type ValueMapper,
} from './processors/stateless.js';
import type { StreamGraph } from './stream-graph.js';
import { knownSerde, requireSerde, unknownSerde, type TrackedSerde } from './tracked-serde.js';

export class KStream<K, V> {
  /** Streams are made by `StreamsBuilder#stream` and by operators, not directly. */
  constructor(
    /** @internal */ readonly graph: StreamGraph,
    /** The topology node this stream's records come out of. */
    readonly nodeName: string,
    readonly keySerde: TrackedSerde<K>,
    readonly valueSerde: TrackedSerde<V>,
    /** True when the key changed (map, selectKey, flatMap, process) since the data was last partitioned by key. */
    readonly repartitionRequired: boolean,
  ) {}

  /** Keeps the records the predicate accepts. */
  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    const name = this.addProcessor('KSTREAM-FILTER-', named, filterSupplier(predicate, false));
    return this.derive(name, this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  /** Drops the records the predicate accepts. */
  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    const name = this.addProcessor('KSTREAM-FILTER-', named, filterSupplier(predicate, true));
    return this.derive(name, this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  /** New key and value per record: `(key, value) => [newKey, newValue]`. */
  map<KR, VR>(mapper: KeyValueMapper<K, V, readonly [KR, VR]>, named?: Named): KStream<KR, VR> {
    const name = this.addProcessor('KSTREAM-MAP-', named, mapSupplier(mapper));
    return this.derive(name, unknownSerde<KR>(`map ${name}`), unknownSerde<VR>(`map ${name}`), true);
  }

  /** New value per record, same key: `(value) => newValue`. */
  mapValues<VR>(mapper: ValueMapper<K, V, VR>, named?: Named): KStream<K, VR> {
    const name = this.addProcessor('KSTREAM-MAPVALUES-', named, mapValuesSupplier(mapper));
    return this.derive(name, this.keySerde, unknownSerde<VR>(`mapValues ${name}`), this.repartitionRequired);
  }

  /** Zero or more records per record: `(key, value) => [[k1, v1], [k2, v2]]`. */
  flatMap<KR, VR>(mapper: KeyValueMapper<K, V, Iterable<readonly [KR, VR]>>, named?: Named): KStream<KR, VR> {
    const name = this.addProcessor('KSTREAM-FLATMAP-', named, flatMapSupplier(mapper));
    return this.derive(name, unknownSerde<KR>(`flatMap ${name}`), unknownSerde<VR>(`flatMap ${name}`), true);
  }

  /** Zero or more values per record, each with the record's key: `(value) => [v1, v2]`. */
  flatMapValues<VR>(mapper: ValueMapper<K, V, Iterable<VR>>, named?: Named): KStream<K, VR> {
    const name = this.addProcessor('KSTREAM-FLATMAPVALUES-', named, flatMapValuesSupplier(mapper));
    return this.derive(name, this.keySerde, unknownSerde<VR>(`flatMapValues ${name}`), this.repartitionRequired);
  }

  /** New key per record, same value: `(key, value) => newKey`. */
  selectKey<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V> {
    const name = this.addProcessor('KSTREAM-KEY-SELECT-', named, selectKeySupplier(mapper));
    return this.derive(name, unknownSerde<KR>(`selectKey ${name}`), this.valueSerde, true);
  }

  /**
   * Groups by the current key, for aggregations. If the key changed upstream (`map`, `selectKey`,
   * ...), the aggregation first repartitions through `<appId>-<name>-repartition`.
   */
  groupByKey(grouped: Grouped<K, V> = {}): KGroupedStream<K, V> {
    return new KGroupedStream(new GroupedInput(this.graph, this.nodeName, this.keySerde, this.valueSerde, this.repartitionRequired, grouped));
  }

  /** Groups by a new key, `(key, value) => newKey`; the aggregation repartitions by it. */
  groupBy<KR>(selector: KeyValueMapper<K, V, KR>, grouped: Grouped<KR, V> = {}): KGroupedStream<KR, V> {
    const name = this.addProcessor('KSTREAM-KEY-SELECT-', undefined, selectKeySupplier(selector));
    const keySerde = unknownSerde<KR>(`groupBy ${name}`);
    return new KGroupedStream(new GroupedInput(this.graph, name, keySerde, this.valueSerde, true, grouped));
  }

  /**
   * Inner joins. With a stream: records of both streams with the same key whose timestamps are
   * within `windows` of each other. With a table: each record with the table's current value of
   * its key (records without one produce nothing). With a global table: each record with the
   * entry `keySelector(key, value)` picks.
   */
  join<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<K, V, VO, VR>, windows: JoinWindows, options?: StreamJoined<K, V, VO>): KStream<K, VR>;
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<K, V, VT, VR>, joined?: Joined<K, V>): KStream<K, VR>;
  join<GK, GV, VR>(table: GlobalKTable<GK, GV>, keySelector: KeyValueMapper<K, V, GK>, joiner: ValueJoiner<K, V, GV, VR>, named?: Named): KStream<K, VR>;
  join(other: KStream<K, unknown> | KTable<K, unknown> | GlobalKTable<unknown, unknown>, ...args: unknown[]): KStream<K, unknown> {
    return this.joinAny('inner', other, args);
  }

  /** Like `join`, but every record of this stream produces output: the joiner gets `null` when there is no partner. */
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: LeftValueJoiner<K, V, VO, VR>, windows: JoinWindows, options?: StreamJoined<K, V, VO>): KStream<K, VR>;
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: LeftValueJoiner<K, V, VT, VR>, joined?: Joined<K, V>): KStream<K, VR>;
  leftJoin<GK, GV, VR>(table: GlobalKTable<GK, GV>, keySelector: KeyValueMapper<K, V, GK>, joiner: LeftValueJoiner<K, V, GV, VR>, named?: Named): KStream<K, VR>;
  leftJoin(other: KStream<K, unknown> | KTable<K, unknown> | GlobalKTable<unknown, unknown>, ...args: unknown[]): KStream<K, unknown> {
    return this.joinAny('left', other, args);
  }

  /** Windowed join where records of either stream without a partner are emitted too, with `null` for the other side. */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: OuterValueJoiner<K, V, VO, VR>, windows: JoinWindows, options: StreamJoined<K, V, VO> = {}): KStream<K, VR> {
    return joinStreams(this, other, 'outer', joiner, windows, options);
  }

  /** Calls `action` for each record and passes the record on unchanged (logging, metrics). */
  peek(action: ForeachAction<K, V>, named?: Named): KStream<K, V> {
    const name = this.addProcessor('KSTREAM-PEEK-', named, peekSupplier(action));
    return this.derive(name, this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  /** Calls `action` for each record; ends the stream. */
  foreach(action: ForeachAction<K, V>, named?: Named): void {
    this.addProcessor('KSTREAM-FOREACH-', named, foreachSupplier(action));
  }

  /** Routes each record to the first branch whose predicate accepts it (see BranchedKStream). */
  split<P extends string = ''>(named?: { name?: P }): BranchedKStream<K, V, never, P> {
    return new BranchedKStream(this.graph, this, named?.name);
  }

  /** Both streams' records in one stream, each in the order it arrives. */
  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    if (other.graph !== this.graph) throw new TopologyError('merge: both streams must come from the same StreamsBuilder');
    const name = this.graph.nodeName(named, 'KSTREAM-MERGE-');
    this.graph.topology.addProcessor(name, passThroughSupplier<K, V>(), this.nodeName, other.nodeName);
    const keySerde = 'known' in this.keySerde ? this.keySerde : other.keySerde;
    const valueSerde = 'known' in this.valueSerde ? this.valueSerde : other.valueSerde;
    return this.derive(name, keySerde, valueSerde, this.repartitionRequired || other.repartitionRequired);
  }

  /**
   * Writes the stream through an internal topic (`<appId>-<name>-repartition`), so records are
   * partitioned by their current key and downstream work on a key happens in one task.
   */
  repartition(options: Repartitioned<K, V> = {}): KStream<K, V> {
    const base = options.name ?? this.graph.generateName('KSTREAM-REPARTITION-');
    const topic = `${base}-repartition`;
    const at = `repartition ${base}`;
    const key = requireSerde(options.key, this.keySerde, 'key', at);
    const value = requireSerde(options.value, this.valueSerde, 'value', at);
    const topology = this.graph.topology;
    topology.addRepartitionTopic(topic, { partitions: options.partitions });
    topology.addSink(`${topic}-sink`, topic, { key, value, partitioner: options.partitioner }, this.nodeName);
    topology.addSource(`${topic}-source`, topic, { key, value });
    return this.derive(`${topic}-source`, knownSerde(key), knownSerde(value), false);
  }

  /** Writes the stream to a topic, or to the topic `extractor` picks per record. */
  to(topic: string | TopicNameExtractor<K, V>, produced: Produced<K, V> = {}): void {
    this.addSink(topic, produced);
  }

  /** Writes the stream to a user topic and continues from it (reading it back, partitioned by key). */
  through(topic: string, produced: Produced<K, V> = {}): KStream<K, V> {
    const { key, value } = this.addSink(topic, produced);
    const name = this.graph.generateName('KSTREAM-SOURCE-');
    this.graph.topology.addSource(name, topic, { key, value });
    return this.derive(name, knownSerde(key), knownSerde(value), false);
  }

  /**
   * Continues with a Processor API processor; the state stores it uses (added with
   * `StreamsBuilder#addStateStore`) are named after it: `process(supplier, 'store-a', { name })`.
   */
  process<KOut, VOut>(
    supplier: ProcessorSupplier<K, V, KOut, VOut>,
    ...storesAndNamed: string[] | [...storeNames: string[], named: Named]
  ): KStream<KOut, VOut> {
    const args: readonly (string | Named)[] = storesAndNamed;
    const named = args.find((arg) => typeof arg === 'object');
    const storeNames = args.filter((arg) => typeof arg === 'string');
    const name = this.addProcessor('KSTREAM-PROCESSOR-', named, supplier);
    if (storeNames.length > 0) this.graph.topology.connectProcessorAndStateStores(name, ...storeNames);
    return this.derive(name, unknownSerde<KOut>(`process ${name}`), unknownSerde<VOut>(`process ${name}`), true);
  }

  private joinAny(
    kind: 'inner' | 'left',
    other: KStream<K, unknown> | KTable<K, unknown> | GlobalKTable<unknown, unknown>,
    args: unknown[],
  ): KStream<K, unknown> {
    type Joiner = OuterValueJoiner<K, V, unknown, unknown>;
    if (other instanceof GlobalKTable) {
      const [keySelector, joiner, named] = args as [KeyValueMapper<K, V, unknown>, Joiner, Named | undefined];
      return joinStreamGlobalTable(this, other, keySelector, kind === 'left', joiner, named);
    }
    if (other instanceof KStream) {
      const [joiner, windows, options] = args as [Joiner, JoinWindows, StreamJoined<K, V, unknown> | undefined];
      if (!(windows instanceof JoinWindows)) throw new TopologyError('join: a stream-stream join needs JoinWindows');
      return joinStreams(this, other, kind, joiner, windows, options ?? {});
    }
    const [joiner, joined] = args as [Joiner, Joined<K, V> | undefined];
    return joinStreamTable(this, other, kind === 'left', joiner, joined ?? {});
  }

  private addProcessor<KOut, VOut>(prefix: string, named: Named | undefined, supplier: ProcessorSupplier<K, V, KOut, VOut>): string {
    const name = this.graph.nodeName(named, prefix);
    this.graph.topology.addProcessor(name, supplier, this.nodeName);
    return name;
  }

  private addSink(topic: string | TopicNameExtractor<K, V>, produced: Produced<K, V>): { key: Serde<K>; value: Serde<V> } {
    const name = this.graph.nodeName(produced, 'KSTREAM-SINK-');
    const at = `sink ${name} (to ${typeof topic === 'string' ? `topic ${topic}` : 'a topic extractor'})`;
    const key = requireSerde(produced.key, this.keySerde, 'key', at);
    const value = requireSerde(produced.value, this.valueSerde, 'value', at);
    this.graph.topology.addSink(name, topic, { key, value, partitioner: produced.partitioner }, this.nodeName);
    return { key, value };
  }

  /** @internal A stream positioned at `name`, made by an operator of this stream. */
  derive<KR, VR>(name: string, keySerde: TrackedSerde<KR>, valueSerde: TrackedSerde<VR>, repartitionRequired: boolean): KStream<KR, VR> {
    return new KStream(this.graph, name, keySerde, valueSerde, repartitionRequired);
  }
}
