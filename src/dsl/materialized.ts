/**
 * How a stateful operator keeps its state (Kafka Streams' `Materialized`): a `name` makes the store
 * queryable under that name and keeps its changelog topic (`<appId>-<name>-changelog`) stable when
 * the program changes; without one a name is generated from the operator's position.
 *
 * Defaults as in Kafka Streams' DSL: caching and logging on. Stores are in memory unless
 * `storeType: 'persistent'` (LevelDB under the state directory); either way the changelog restores
 * them after a restart, a persistent one only from its last checkpoint.
 */
import type { Serde } from '../serde/types.js';
import type { KeyValueStoreBuilder } from '../state/key-value-store-builder.js';
import type { SegmentedStoreBuilder } from '../state/segmented-store-builder.js';
import type { MeteredSessionStore } from '../state/session-store.js';
import { Stores } from '../state/stores.js';
import type { MeteredWindowStore } from '../state/window-store.js';

export interface Materialized<K, V> {
  name?: string;
  key?: Serde<K>;
  value?: Serde<V>;
  /**
   * Default true: updates of a key (a window) between commits reach the changelog and downstream
   * once. Key-value stores and tumbling or hopping window aggregations; other stores do not cache.
   */
  caching?: boolean;
  /** Default true; an object enables logging with these changelog topic configs. */
  logging?: boolean | Readonly<Record<string, string>>;
  /** Default `in-memory`. */
  storeType?: 'in-memory' | 'persistent';
  /** Windowed stores: how long windows are kept; at least (and by default) window size + grace. */
  retentionMs?: number;
}

export const Materialized = {
  /** A store with this name (queryable, stable changelog name). */
  as<K, V>(name: string): Materialized<K, V> {
    return { name };
  },
  /** Serdes for the store, with a generated name. */
  with<K, V>(key: Serde<K>, value: Serde<V>): Materialized<K, V> {
    return { key, value };
  },
};

export function keyValueStoreBuilder<K, V>(
  name: string,
  materialized: Materialized<K, V>,
  key: Serde<K>,
  value: Serde<V>,
): KeyValueStoreBuilder<K, V> {
  const supplier = materialized.storeType === 'persistent' ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  const builder = Stores.keyValueStoreBuilder(supplier, key, value);
  if (materialized.caching === false) builder.withCachingDisabled();
  else builder.withCachingEnabled();
  return withLogging(builder, materialized);
}

export function windowStoreBuilder<K, V>(
  name: string,
  materialized: Materialized<unknown, V>,
  key: Serde<K>,
  value: Serde<V>,
  windowSizeMs: number,
  minRetentionMs: number,
): SegmentedStoreBuilder<MeteredWindowStore<K, V>> {
  const options = { retentionMs: retention(name, materialized, minRetentionMs), windowSizeMs };
  const supplier = materialized.storeType === 'persistent' ? Stores.persistentWindowStore(name, options) : Stores.inMemoryWindowStore(name, options);
  return withLogging(Stores.windowStoreBuilder(supplier, key, value), materialized);
}

export function sessionStoreBuilder<K, V>(
  name: string,
  materialized: Materialized<unknown, V>,
  key: Serde<K>,
  value: Serde<V>,
  minRetentionMs: number,
): SegmentedStoreBuilder<MeteredSessionStore<K, V>> {
  const options = { retentionMs: retention(name, materialized, minRetentionMs) };
  const supplier = materialized.storeType === 'persistent' ? Stores.persistentSessionStore(name, options) : Stores.inMemorySessionStore(name, options);
  return withLogging(Stores.sessionStoreBuilder(supplier, key, value), materialized);
}

function retention(name: string, materialized: Materialized<unknown, unknown>, minRetentionMs: number): number {
  const retentionMs = materialized.retentionMs ?? minRetentionMs;
  if (retentionMs < minRetentionMs) {
    throw new RangeError(`store ${name}: retention ${retentionMs} ms is shorter than window size + grace (${minRetentionMs} ms)`);
  }
  return retentionMs;
}

function withLogging<B extends { withLoggingEnabled(config?: Readonly<Record<string, string>>): B; withLoggingDisabled(): B }>(
  builder: B,
  materialized: Materialized<unknown, unknown>,
): B {
  const logging = materialized.logging ?? true;
  return logging === false ? builder.withLoggingDisabled() : builder.withLoggingEnabled(logging === true ? {} : logging);
}
