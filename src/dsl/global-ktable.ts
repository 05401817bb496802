/**
 * A table replicated in full to every instance (Kafka Streams' GlobalKTable): each task can look up
 * any key, so a stream joins it without co-partitioning or repartitioning, by any key it can
 * compute from a record. Its store is filled from all partitions of its topic (by the runtime's
 * global task, or by piping the topic into the test driver) and is read-only to processors.
 */
export class GlobalKTable<K, V> {
  /** Made by `StreamsBuilder#globalTable`. */
  constructor(
    /** The global store holding the table; also its queryable name. */
    readonly queryableStoreName: string,
  ) {}

  /** Keeps `GlobalKTable<K, V>` types distinct (declared only: no runtime field). */
  declare private readonly types: (key: K, value: V) => void;
}
