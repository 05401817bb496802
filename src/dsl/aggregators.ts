/** The user functions of aggregations, named after Kafka Streams' interfaces. */

/** The result of an empty aggregation (a new key, window or session). */
export type Initializer<VA> = () => VA;
/** Folds one record into the aggregate: `(key, value, aggregate) => newAggregate`. */
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;
/** Combines two values of the same type: `(aggregate, value) => newAggregate`. */
export type Reducer<V> = (aggregate: V, value: V) => V;
/** Combines the results of two sessions that a record merges: `(key, aggregate1, aggregate2) => merged`. */
export type Merger<K, VA> = (key: K, aggregate1: VA, aggregate2: VA) => VA;
