/**
 * Reading a KTable's current value for a key from another processor (Kafka Streams'
 * `KTableValueGetterSupplier`): joins look up the other side this way. A materialized table reads
 * its store; a filtered or mapped table applies its function on top of its parent's getter, so
 * those need no store of their own.
 */
import type { ProcessorContext } from '../processor/api.js';

export type ValueGetter<K, V> = (key: K) => V | null;

export interface ValueGetterSupplier<K, V> {
  /** The stores the getter reads: a processor using it must be connected to them. */
  readonly storeNames: readonly string[];
  get(context: ProcessorContext<unknown, unknown>): ValueGetter<K, V>;
}

/** The getter of a table materialized in a key-value store. */
export function storeValueGetter<K, V>(storeName: string): ValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName],
    get: (context) => {
      const store = context.getStateStore<{ get(key: K): V | undefined }>(storeName);
      return (key) => store.get(key) ?? null;
    },
  };
}

/** A getter that transforms the parent's values (`null` stays absent). */
export function mappedValueGetter<K, V, VR>(
  parent: ValueGetterSupplier<K, V>,
  map: (value: V, key: K) => VR | null,
): ValueGetterSupplier<K, VR> {
  return {
    storeNames: parent.storeNames,
    get: (context) => {
      const get = parent.get(context);
      return (key) => {
        const value = get(key);
        return value === null ? null : map(value, key);
      };
    },
  };
}
