/** The functions that combine the two sides of a join (Kafka Streams' `ValueJoinerWithKey`). */

/** Inner join: both values are present. */
export type ValueJoiner<K, V, VO, VR> = (value: V, otherValue: VO, key: K) => VR;
/** Left join: the other side may be missing (`null`). */
export type LeftValueJoiner<K, V, VO, VR> = (value: V, otherValue: VO | null, key: K) => VR;
/** Outer join: either side may be missing, never both. */
export type OuterValueJoiner<K, V, VO, VR> = (value: V | null, otherValue: VO | null, key: K) => VR;
