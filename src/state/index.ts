/** The state-store layer's public surface: what topologies and processors use to declare and read stores. */
export { Stores, type SessionBytesStoreSupplier, type SessionStoreOptions, type WindowBytesStoreSupplier, type WindowStoreOptions } from './stores.js';
export { KeyValueStoreBuilder, type KeyValueBytesStoreSupplier } from './key-value-store-builder.js';
export { SegmentedStoreBuilder } from './segmented-store-builder.js';
export type { CacheFlushListener, KeyValue, KeyValueStore } from './key-value-store.js';
export type { KeyValueStoreMetrics, MeteredKeyValueStore } from './metered-key-value-store.js';
export type { MeteredWindowStore, WindowedEntry, WindowedValue, WindowStore, WindowStoreMetrics } from './window-store.js';
export type { MeteredSessionStore, SessionEntry, SessionStore, SessionStoreMetrics } from './session-store.js';
export { DEFAULT_RECORD_CACHE_MAX_BYTES, RecordCache, type RecordCacheMetrics } from './record-cache.js';
export { changelogTopicName, type ChangelogRecord, type ChangelogWriter, type KeyValueStoreContext } from './store-context.js';
export type { RestoreEnd, RestoreListener, RestoreProgress, RestoreStart } from './changelog-restorer.js';
export { StateDirectoryLockedError } from './state-directory.js';
export type { StateStore, StateStoreContext, StoreBuilder } from './types.js';
