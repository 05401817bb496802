/**
 * Assembles a key-value store from its layers, outermost first:
 * metered (typed) → caching (optional) → change-logging (optional) → in-memory or LevelDB.
 * Caching sits above logging so that the changelog gets one record per key per commit.
 */
import type { Serde } from '../serde/types.js';
import { CachingKeyValueStore } from './caching-key-value-store.js';
import { ChangeLoggingKeyValueStore } from './change-logging-key-value-store.js';
import type { KeyValueBytesStore } from './key-value-store.js';
import { MeteredKeyValueStore } from './metered-key-value-store.js';
import type { StoreBuilder } from './types.js';

/** Makes the innermost bytes store, a fresh one per task. */
export interface KeyValueBytesStoreSupplier {
  readonly name: string;
  get(): KeyValueBytesStore;
}

const COMPACTED: Readonly<Record<string, string>> = { 'cleanup.policy': 'compact' };

/** Like Kafka Streams' builder: logging on and caching off unless asked otherwise. */
export class KeyValueStoreBuilder<K, V> implements StoreBuilder<MeteredKeyValueStore<K, V>> {
  private caching = false;
  private logging = true;
  private config: Readonly<Record<string, string>> = COMPACTED;

  constructor(
    private readonly supplier: KeyValueBytesStoreSupplier,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  get name(): string {
    return this.supplier.name;
  }

  get loggingEnabled(): boolean {
    return this.logging;
  }

  get changelogConfig(): Readonly<Record<string, string>> {
    return this.config;
  }

  get cachingEnabled(): boolean {
    return this.caching;
  }

  withCachingEnabled(): this {
    this.caching = true;
    return this;
  }

  withCachingDisabled(): this {
    this.caching = false;
    return this;
  }

  /** `config` adds to (or overrides) the changelog's `cleanup.policy=compact`. */
  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    this.logging = true;
    this.config = { ...COMPACTED, ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.logging = false;
    return this;
  }

  build(): MeteredKeyValueStore<K, V> {
    let store: KeyValueBytesStore = this.supplier.get();
    if (this.logging) store = new ChangeLoggingKeyValueStore(store);
    if (this.caching) store = new CachingKeyValueStore(store);
    return new MeteredKeyValueStore(store, this.keySerde, this.valueSerde);
  }
}
