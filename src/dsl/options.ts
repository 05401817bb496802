/**
 * Option objects of DSL operators (Kafka Streams' Named, Consumed, Produced, Repartitioned,
 * Branched). Every operator takes one as its last argument; all fields are optional except the
 * serdes of a source.
 */
import type { Serde } from '../serde/types.js';
import type { StreamPartitioner, TimestampExtractor } from '../topology/nodes.js';

export interface Named {
  /** Node name in the topology (and in describe()); generated, Kafka Streams style, when absent. */
  name?: string;
}

export interface Consumed<K, V> extends Named {
  key: Serde<K>;
  value: Serde<V>;
  /** Event time of each record; default: the record's broker timestamp. */
  timestampExtractor?: TimestampExtractor<K, V>;
}

/** Serdes and partitioning for writing a topic; serdes default to those the stream already knows. */
export interface Produced<K, V> extends Named {
  key?: Serde<K>;
  value?: Serde<V>;
  partitioner?: StreamPartitioner<K, V>;
}

export interface Repartitioned<K, V> extends Produced<K, V> {
  /** Partition count of the repartition topic; default: that of the input of this sub-topology. */
  partitions?: number;
}

export interface Branched<N extends string> {
  /** Key of this branch in the result of defaultBranch()/noDefaultBranch() (after the split prefix). */
  name?: N;
}

/** How `groupBy`/`groupByKey` re-key a stream: serdes for the repartition topic, and its name. */
export interface Grouped<K, V> {
  /** Names the repartition topic `<appId>-<name>-repartition` (default: named after the store). */
  name?: string;
  key?: Serde<K>;
  value?: Serde<V>;
}

/** Serdes and names of a stream-table join, used when the stream must be repartitioned first. */
export interface Joined<K, V> extends Named {
  key?: Serde<K>;
  value?: Serde<V>;
}

/**
 * Serdes and names of a stream-stream join: both sides' records are kept in window stores
 * (`<name>-this-store`, `<name>-other-store`), which need serdes for key and both values.
 */
export interface StreamJoined<K, V, VO> extends Named {
  key?: Serde<K>;
  value?: Serde<V>;
  otherValue?: Serde<VO>;
  /** Default `in-memory`. */
  storeType?: 'in-memory' | 'persistent';
  /** Default true. */
  logging?: boolean;
}
