/**
 * Assembles a window or session store: metered (typed) → change-logging (optional) → segmented
 * bytes store → in-memory or LevelDB key-value store. No caching layer yet: every window update
 * is logged (and a windowed aggregation forwards each update itself).
 */
import type { SegmentedBytesStore } from './segmented-bytes-store.js';
import { ChangeLoggingSegmentedBytesStore } from './change-logging-segmented-bytes-store.js';
import type { StateStore, StoreBuilder } from './types.js';

/** Makes the segmented bytes store, a fresh one per task. */
export interface SegmentedBytesStoreSupplier {
  readonly name: string;
  readonly retentionMs: number;
  get(): SegmentedBytesStore;
}

/**
 * Like Kafka Streams, changelogs of windowed data are compacted and also deleted by time, a day
 * beyond the store's retention, so that old windows do not stay in the topic forever.
 */
const CHANGELOG_EXTRA_RETENTION_MS = 24 * 60 * 60 * 1000;

export class SegmentedStoreBuilder<S extends StateStore> implements StoreBuilder<S> {
  private logging = true;
  private extraConfig: Readonly<Record<string, string>> = {};

  constructor(
    private readonly supplier: SegmentedBytesStoreSupplier,
    private readonly typed: (bytes: SegmentedBytesStore) => S,
  ) {}

  get name(): string {
    return this.supplier.name;
  }

  get loggingEnabled(): boolean {
    return this.logging;
  }

  get changelogConfig(): Readonly<Record<string, string>> {
    return {
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(this.supplier.retentionMs + CHANGELOG_EXTRA_RETENTION_MS),
      ...this.extraConfig,
    };
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    this.logging = true;
    this.extraConfig = config;
    return this;
  }

  withLoggingDisabled(): this {
    this.logging = false;
    return this;
  }

  build(): S {
    const bytes = this.supplier.get();
    return this.typed(this.logging ? new ChangeLoggingSegmentedBytesStore(bytes) : bytes);
  }
}
