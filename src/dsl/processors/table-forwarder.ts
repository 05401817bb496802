/**
 * How a processor that materializes a table passes changes downstream: through the store's cache
 * (one Change per key per flush, with the value last forwarded as old value) when the store caches,
 * else right away. Kafka Streams' `TimestampedTupleForwarder`.
 */
import type { ProcessorContext } from '../../processor/api.js';
import type { CacheFlushListener, KeyValueStore } from '../../state/key-value-store.js';
import { change, type Change } from '../change.js';

export interface FlushableKeyValueStore<K, V> extends KeyValueStore<K, V> {
  setFlushListener(listener: CacheFlushListener<K, V>): boolean;
}

export class TableForwarder<K, V> {
  private readonly cached: boolean;

  constructor(
    store: FlushableKeyValueStore<K, V>,
    private readonly context: ProcessorContext<K, Change<V>>,
  ) {
    this.cached = store.setFlushListener((key, newValue, oldValue, timestamp) =>
      context.forward({ key, value: change(newValue, oldValue), timestamp, headers: {} }),
    );
  }

  /** Forwards now unless the cache will on flush. */
  maybeForward(key: K, newValue: V | null, oldValue: V | null, timestamp: number): void {
    if (!this.cached) this.context.forward({ key, value: change(newValue, oldValue), timestamp, headers: {} });
  }
}
