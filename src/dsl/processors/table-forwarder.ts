/**
 * How a processor that materializes a table passes changes downstream: through the store's cache
 * (one Change per key per flush, with the value last forwarded as old value) when the store caches,
 * else right away. Kafka Streams' `TimestampedTupleForwarder`. Either way a change carries the
 * headers of the record that made it: the key's latest update, for a flush.
 */
import type { Headers } from '../../broker/types.js';
import type { ProcessorContext } from '../../processor/api.js';
import type { CacheFlushListener, KeyValueStore } from '../../state/key-value-store.js';
import { change, type Change } from '../change.js';

/** A table's store: writes take the record's headers, which a caching store hands back at flush. */
export interface FlushableKeyValueStore<K, V> extends KeyValueStore<K, V> {
  put(key: K, value: V, headers?: Headers): void;
  delete(key: K, headers?: Headers): V | undefined;
  setFlushListener(listener: CacheFlushListener<K, V>): boolean;
}

export class TableForwarder<K, V> {
  private readonly cached: boolean;

  constructor(
    store: FlushableKeyValueStore<K, V>,
    private readonly context: ProcessorContext<K, Change<V>>,
  ) {
    this.cached = store.setFlushListener((key, newValue, oldValue, timestamp, headers) =>
      context.forward({ key, value: change(newValue, oldValue), timestamp, headers }),
    );
  }

  /** Forwards now unless the cache will on flush. */
  maybeForward(key: K, newValue: V | null, oldValue: V | null, timestamp: number, headers: Headers): void {
    if (!this.cached) this.context.forward({ key, value: change(newValue, oldValue), timestamp, headers });
  }
}
