/**
 * Assembles a window or session store: metered (typed) → caching (optional) → change-logging
 * (optional) → segmented bytes store → in-memory or LevelDB key-value store. Caching sits above
 * logging, so the changelog gets one record per window per commit.
 */
import { BaseStoreBuilder } from './base-store-builder.js';
import { CachingSegmentedBytesStore } from './caching-segmented-bytes-store.js';
import type { SegmentedBytesStore, SegmentKeySchema } from './segmented-bytes-store.js';
import { ChangeLoggingSegmentedBytesStore } from './change-logging-segmented-bytes-store.js';
import type { StateStore } from './types.js';

/** Makes the segmented bytes store, a fresh one per task. */
export interface SegmentedBytesStoreSupplier {
  readonly name: string;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  readonly keySchema: SegmentKeySchema;
  get(): SegmentedBytesStore;
}

/**
 * Like Kafka Streams, changelogs of windowed data are compacted and also deleted by time, a day
 * beyond the store's retention, so that old windows do not stay in the topic forever.
 */
const CHANGELOG_EXTRA_RETENTION_MS = 24 * 60 * 60 * 1000;

export class SegmentedStoreBuilder<S extends StateStore> extends BaseStoreBuilder<S> {
  constructor(
    protected override readonly supplier: SegmentedBytesStoreSupplier,
    private readonly typed: (bytes: SegmentedBytesStore) => S,
  ) {
    super(supplier);
  }

  get changelogConfig(): Readonly<Record<string, string>> {
    return {
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(this.supplier.retentionMs + CHANGELOG_EXTRA_RETENTION_MS),
      ...this.extraConfig,
    };
  }

  build(): S {
    const supplier = this.supplier;
    let bytes = supplier.get();
    if (this.logging) bytes = new ChangeLoggingSegmentedBytesStore(bytes);
    if (this.caching) bytes = new CachingSegmentedBytesStore(bytes, supplier.keySchema, supplier.retentionMs, supplier.segmentIntervalMs);
    return this.typed(bytes);
  }
}
