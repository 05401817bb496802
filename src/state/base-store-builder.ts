/**
 * What the key-value and the segmented (window, session) store builders share: the name from the
 * supplier and the caching and logging switches. Like Kafka Streams' builders: logging on and
 * caching off unless asked otherwise.
 */
import type { StateStore, StoreBuilder } from './types.js';

export abstract class BaseStoreBuilder<S extends StateStore> implements StoreBuilder<S> {
  protected caching = false;
  protected logging = true;
  /** Changelog topic configs given to `withLoggingEnabled`, on top of the builder's defaults. */
  protected extraConfig: Readonly<Record<string, string>> = {};

  constructor(protected readonly supplier: { readonly name: string }) {}

  get name(): string {
    return this.supplier.name;
  }

  get loggingEnabled(): boolean {
    return this.logging;
  }

  abstract get changelogConfig(): Readonly<Record<string, string>>;

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

  /** `config` adds to (or overrides) the builder's default changelog configs. */
  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    this.logging = true;
    this.extraConfig = config;
    return this;
  }

  withLoggingDisabled(): this {
    this.logging = false;
    return this;
  }

  abstract build(): S;
}
