/**
 * The outermost layer, as in Kafka Streams: the typed face of a bytes store. It serializes keys
 * and values with the store's serdes (the topic they see is the changelog topic, which matters to
 * schema-registry serdes) and counts operations. Counting is a few integer increments, cheap
 * enough to stay on for every store; latencies are not measured (a clock read per call would not be).
 */
import type { Headers } from '../broker/types.js';
import type { Serde } from '../serde/types.js';
import type { CacheFlushListener, KeyValue, KeyValueBytesStore, KeyValueStore } from './key-value-store.js';
import { MeteredStore } from './metered-store.js';

export interface KeyValueStoreMetrics {
  readonly gets: number;
  /** Gets that found a value. */
  readonly hits: number;
  readonly puts: number;
  readonly putIfAbsents: number;
  readonly deletes: number;
  /** `range` and `all` calls. */
  readonly scans: number;
  readonly flushes: number;
}

export class MeteredKeyValueStore<K, V>
  extends MeteredStore<K, V, KeyValueBytesStore, KeyValueStoreMetrics>
  implements KeyValueStore<K, V>
{
  constructor(inner: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(inner, keySerde, valueSerde, { gets: 0, hits: 0, puts: 0, putIfAbsents: 0, deletes: 0, scans: 0, flushes: 0 });
  }

  get(key: K): V | undefined {
    this.counts.gets += 1;
    const value = this.inner.get(this.keyBytes(key));
    if (value === undefined) return undefined;
    this.counts.hits += 1;
    return this.valueSerde.deserialize(value, this.topic);
  }

  /** `headers`: of the record behind the write, for the flush listener (see `KeyValueBytesStore.put`). */
  put(key: K, value: V, headers?: Headers): void {
    this.counts.puts += 1;
    const keyBytes = this.keyBytes(key);
    const valueBytes = this.valueSerde.serialize(value, this.topic);
    if (valueBytes === null) this.inner.delete(keyBytes, headers);
    else this.inner.put(keyBytes, valueBytes, headers);
  }

  putIfAbsent(key: K, value: V): V | undefined {
    this.counts.putIfAbsents += 1;
    const keyBytes = this.keyBytes(key);
    const existing = this.inner.get(keyBytes);
    if (existing !== undefined) return this.valueSerde.deserialize(existing, this.topic);
    const valueBytes = this.valueSerde.serialize(value, this.topic);
    if (valueBytes !== null) this.inner.put(keyBytes, valueBytes);
    return undefined;
  }

  /** `headers`: as for `put`. */
  delete(key: K, headers?: Headers): V | undefined {
    this.counts.deletes += 1;
    const existing = this.inner.delete(this.keyBytes(key), headers);
    return existing === undefined ? undefined : this.valueSerde.deserialize(existing, this.topic);
  }

  range(from: K | undefined, to: K | undefined): IterableIterator<KeyValue<K, V>> {
    this.counts.scans += 1;
    return this.typed(
      this.inner.range(from === undefined ? undefined : this.keyBytes(from), to === undefined ? undefined : this.keyBytes(to)),
    );
  }

  all(): IterableIterator<KeyValue<K, V>> {
    this.counts.scans += 1;
    return this.typed(this.inner.all());
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  /**
   * Gets `listener` called with typed keys and values when the caching layer writes an entry
   * through; false when the store has no caching layer (see `KeyValueBytesStore.setFlushListener`).
   */
  setFlushListener(listener: CacheFlushListener<K, V>): boolean {
    return this.inner.setFlushListener((key, newValue, oldValue, timestamp, headers) =>
      listener(
        this.keySerde.deserialize(key, this.topic),
        newValue === undefined ? undefined : this.valueSerde.deserialize(newValue, this.topic),
        oldValue === undefined ? undefined : this.valueSerde.deserialize(oldValue, this.topic),
        timestamp,
        headers,
      ),
    );
  }

  private *typed(entries: IterableIterator<KeyValue<Buffer, Buffer>>): IterableIterator<KeyValue<K, V>> {
    for (const { key, value } of entries) {
      yield { key: this.keySerde.deserialize(key, this.topic), value: this.valueSerde.deserialize(value, this.topic) };
    }
  }
}
