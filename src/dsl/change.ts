/**
 * What flows between KTable operators (Kafka Streams' `Change<V>`): the new value of a key and the
 * value it replaces, `null` for "no value" (a key that appears, or a delete). Carrying the old value
 * lets downstream operators undo its effect: a filter turns an update that stops matching into a
 * delete, a re-grouped aggregation subtracts it.
 */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

export function change<V>(newValue: V | null | undefined, oldValue: V | null | undefined): Change<V> {
  return { newValue: newValue ?? null, oldValue: oldValue ?? null };
}
