/**
 * Entry points for declaring stores, named after Kafka Streams' `Stores`: a supplier picks the
 * innermost store (persistent LevelDB or in-memory) and its shape, a builder adds serdes and layers.
 */
import type { Serde } from '../serde/types.js';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js';
import type { KeyValueBytesStore } from './key-value-store.js';
import { type KeyValueBytesStoreSupplier, KeyValueStoreBuilder } from './key-value-store-builder.js';
import { LevelDbKeyValueStore } from './level-db-key-value-store.js';
import { PrefixSegmentedBytesStore, type SegmentKeySchema } from './segmented-bytes-store.js';
import { type SegmentedBytesStoreSupplier, SegmentedStoreBuilder } from './segmented-store-builder.js';
import { MeteredSessionStore, sessionKeySchema } from './session-store.js';
import { MeteredWindowStore, windowKeySchema } from './window-store.js';

export interface WindowStoreOptions {
  /** How long windows are kept behind the newest one: at least window size + grace. */
  retentionMs: number;
  windowSizeMs: number;
  /** Time span of one segment, the unit in which expired windows are dropped. */
  segmentIntervalMs?: number;
}

export interface SessionStoreOptions {
  /** How long sessions are kept after they end: at least inactivity gap + grace. */
  retentionMs: number;
  segmentIntervalMs?: number;
}

/** `kind` keeps a window supplier from being given to a session builder, and back. */
export interface WindowBytesStoreSupplier extends SegmentedBytesStoreSupplier {
  readonly kind: 'window';
  readonly windowSizeMs: number;
}

export interface SessionBytesStoreSupplier extends SegmentedBytesStoreSupplier {
  readonly kind: 'session';
}

/** Kafka Streams' default: half the retention, at least a minute. */
function defaultSegmentInterval(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), 60_000);
}

function segmented(
  name: string,
  options: SessionStoreOptions,
  schema: SegmentKeySchema,
  inner: () => KeyValueBytesStore,
): SegmentedBytesStoreSupplier {
  const interval = options.segmentIntervalMs ?? defaultSegmentInterval(options.retentionMs);
  return {
    name,
    retentionMs: options.retentionMs,
    segmentIntervalMs: interval,
    keySchema: schema,
    get: () => new PrefixSegmentedBytesStore(inner(), schema, options.retentionMs, interval),
  };
}

function windowSupplier(name: string, options: WindowStoreOptions, inner: () => KeyValueBytesStore): WindowBytesStoreSupplier {
  if (options.retentionMs < options.windowSizeMs) {
    throw new RangeError(`window store '${name}': retention (${options.retentionMs} ms) is shorter than the window size (${options.windowSizeMs} ms)`);
  }
  return { ...segmented(name, options, windowKeySchema, inner), kind: 'window', windowSizeMs: options.windowSizeMs };
}

export const Stores = {
  persistentKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return { name, get: () => new LevelDbKeyValueStore(name) };
  },

  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return { name, get: () => new InMemoryKeyValueStore(name) };
  },

  keyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },

  persistentWindowStore(name: string, options: WindowStoreOptions): WindowBytesStoreSupplier {
    return windowSupplier(name, options, () => new LevelDbKeyValueStore(name));
  },

  inMemoryWindowStore(name: string, options: WindowStoreOptions): WindowBytesStoreSupplier {
    return windowSupplier(name, options, () => new InMemoryKeyValueStore(name));
  },

  windowStoreBuilder<K, V>(
    supplier: WindowBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): SegmentedStoreBuilder<MeteredWindowStore<K, V>> {
    return new SegmentedStoreBuilder(supplier, (bytes) => new MeteredWindowStore(bytes, keySerde, valueSerde, supplier.windowSizeMs));
  },

  persistentSessionStore(name: string, options: SessionStoreOptions): SessionBytesStoreSupplier {
    return { ...segmented(name, options, sessionKeySchema, () => new LevelDbKeyValueStore(name)), kind: 'session' };
  },

  inMemorySessionStore(name: string, options: SessionStoreOptions): SessionBytesStoreSupplier {
    return { ...segmented(name, options, sessionKeySchema, () => new InMemoryKeyValueStore(name)), kind: 'session' };
  },

  sessionStoreBuilder<K, V>(
    supplier: SessionBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): SegmentedStoreBuilder<MeteredSessionStore<K, V>> {
    return new SegmentedStoreBuilder(supplier, (bytes) => new MeteredSessionStore(bytes, keySerde, valueSerde));
  },
} as const;
