/**
 * The nodes a topology is made of, as definitions: what to run, not running instances. A task
 * turns each definition into a live node (see src/processor/stream-task.ts).
 */
import type { ConsumedRecord } from '../broker/types.js';
import type { ProcessorSupplier, StreamRecord } from '../processor/api.js';
import type { Serde } from '../serde/types.js';

/**
 * Event time of an input record. Gets the deserialized key and value, the raw record (its
 * `timestamp` is the broker's), and the highest timestamp seen so far on this partition (-1 before
 * the first). A negative result or a throw makes the record a bad record (deserialization handler).
 */
export type TimestampExtractor<K, V> = (key: K, value: V, raw: ConsumedRecord, partitionTime: number) => number;

/** Picks the output topic per record (for sinks that fan out to several topics). */
export type TopicNameExtractor<K, V> = (key: K, value: V, record: StreamRecord<K, V>) => string;

/**
 * Picks the output partition (0 ≤ result < numPartitions). Without one, a keyed record goes to
 * murmur2(serialized key), like every Kafka client, and a null key round-robin.
 */
export type StreamPartitioner<K, V> = (key: K, value: V, numPartitions: number) => number;

export interface SourceNode<K = unknown, V = unknown> {
  readonly kind: 'source';
  readonly name: string;
  /** Topic names as written in the topology; internal ones get the application id prefix at runtime. */
  readonly topics: readonly string[];
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** Absent: the broker timestamp of the record. */
  readonly timestampExtractor?: TimestampExtractor<K, V>;
  readonly children: readonly string[];
}

export interface ProcessorNode {
  readonly kind: 'processor';
  readonly name: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  readonly parents: readonly string[];
  readonly children: readonly string[];
  /** Names of the state stores this processor may use. */
  readonly stores: readonly string[];
}

export interface SinkNode<K = unknown, V = unknown> {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string | TopicNameExtractor<K, V>;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
  readonly parents: readonly string[];
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;
