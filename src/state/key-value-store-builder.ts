/**
 * Assembles a key-value store from its layers, outermost first:
 * metered (typed) → caching (optional) → change-logging (optional) → in-memory or LevelDB.
 * Caching sits above logging so that the changelog gets one record per key per commit.
 */
import type { Serde } from '../serde/types.js';
import { BaseStoreBuilder } from './base-store-builder.js';
import { CachingKeyValueStore } from './caching-key-value-store.js';
import { ChangeLoggingKeyValueStore } from './change-logging-key-value-store.js';
import type { KeyValueBytesStore } from './key-value-store.js';
import { MeteredKeyValueStore } from './metered-key-value-store.js';

/** Makes the innermost bytes store, a fresh one per task. */
export interface KeyValueBytesStoreSupplier {
  readonly name: string;
  get(): KeyValueBytesStore;
}

const COMPACTED: Readonly<Record<string, string>> = { 'cleanup.policy': 'compact' };

/** Like Kafka Streams' builder: logging on and caching off unless asked otherwise. */
export class KeyValueStoreBuilder<K, V> extends BaseStoreBuilder<MeteredKeyValueStore<K, V>> {
  constructor(
    protected override readonly supplier: KeyValueBytesStoreSupplier,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {
    super(supplier);
  }

  /** `withLoggingEnabled(config)` adds to (or overrides) `cleanup.policy=compact`. */
  get changelogConfig(): Readonly<Record<string, string>> {
    return { ...COMPACTED, ...this.extraConfig };
  }

  build(): MeteredKeyValueStore<K, V> {
    let store: KeyValueBytesStore = this.supplier.get();
    if (this.logging) store = new ChangeLoggingKeyValueStore(store);
    if (this.caching) store = new CachingKeyValueStore(store);
    return new MeteredKeyValueStore(store, this.keySerde, this.valueSerde);
  }
}
