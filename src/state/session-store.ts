/**
 * Session stores: one value per (key, session start, session end), for session windows that grow
 * and merge as records arrive. Retention (inactivity gap + grace, set by whoever builds the store)
 * is measured on session ends: sessions that ended longer ago than that behind the latest end seen
 * are dropped.
 *
 * Composite key layout: `[key][end, 8 bytes][start, 8 bytes]`; segments are by session end.
 */
import type { Serde } from '../serde/types.js';
import type { SegmentedBytesStore, SegmentKeySchema } from './segmented-bytes-store.js';
import { MeteredStore } from './metered-store.js';
import { MAX_TIME, readTime, TIME_BYTES, writeTime } from './time-keys.js';
import type { StateStore } from './types.js';

export interface SessionEntry<K, V> {
  readonly key: K;
  readonly start: number;
  /** Inclusive: the timestamp of the session's last record. */
  readonly end: number;
  readonly value: V;
}

export interface SessionStore<K, V> extends StateStore {
  /** A value that serializes to `null` removes the session. Sessions already expired are ignored. */
  put(key: K, start: number, end: number, value: V): void;
  remove(key: K, start: number, end: number): void;
  fetchSession(key: K, start: number, end: number): V | undefined;
  /**
   * The key's sessions that end at or after `earliestSessionEnd` and start at or before
   * `latestSessionStart`: those a record at time t overlaps or touches, with
   * `earliestSessionEnd = t - gap` and `latestSessionStart = t + gap`. Ordered by end, then start.
   */
  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): IterableIterator<SessionEntry<K, V>>;
}

export interface SessionStoreMetrics {
  readonly puts: number;
  readonly expiredPuts: number;
  readonly removes: number;
  readonly gets: number;
  readonly finds: number;
  readonly flushes: number;
}

const SESSION_SUFFIX = 2 * TIME_BYTES;

export const sessionKeySchema: SegmentKeySchema = {
  segmentTime: (compositeKey) => readTime(compositeKey, compositeKey.length - SESSION_SUFFIX),
};

export function sessionKey(key: Buffer, start: number, end: number): Buffer {
  if (start > end) throw new RangeError(`a session cannot end (${end}) before it starts (${start})`);
  const out = Buffer.allocUnsafe(key.length + SESSION_SUFFIX);
  key.copy(out, 0);
  writeTime(out, key.length, end);
  writeTime(out, key.length + TIME_BYTES, start);
  return out;
}

/** The typed face of a segmented bytes store, holding sessions; counts operations. */
export class MeteredSessionStore<K, V>
  extends MeteredStore<K, V, SegmentedBytesStore, SessionStoreMetrics>
  implements SessionStore<K, V>
{
  constructor(inner: SegmentedBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(inner, keySerde, valueSerde, { puts: 0, expiredPuts: 0, removes: 0, gets: 0, finds: 0, flushes: 0 });
  }

  put(key: K, start: number, end: number, value: V): void {
    this.counts.puts += 1;
    if (!this.inner.put(sessionKey(this.keyBytes(key), start, end), this.valueSerde.serialize(value, this.topic))) {
      this.counts.expiredPuts += 1;
    }
  }

  remove(key: K, start: number, end: number): void {
    this.counts.removes += 1;
    this.inner.put(sessionKey(this.keyBytes(key), start, end), null);
  }

  fetchSession(key: K, start: number, end: number): V | undefined {
    this.counts.gets += 1;
    const value = this.inner.get(sessionKey(this.keyBytes(key), start, end));
    return value === undefined ? undefined : this.valueSerde.deserialize(value, this.topic);
  }

  *findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): IterableIterator<SessionEntry<K, V>> {
    this.counts.finds += 1;
    if (latestSessionStart < 0) return;
    const keyBytes = this.keyBytes(key);
    const earliestEnd = Math.max(earliestSessionEnd, this.inner.minLiveTime(), 0);
    const from = sessionKey(keyBytes, 0, earliestEnd);
    const to = sessionKey(keyBytes, MAX_TIME, MAX_TIME);
    for (const entry of this.inner.range(from, to, earliestEnd, MAX_TIME)) {
      // The byte range also holds longer keys that start with this one: keep exact matches.
      if (entry.key.length !== to.length || entry.key.compare(keyBytes, 0, keyBytes.length, 0, keyBytes.length) !== 0) continue;
      const start = readTime(entry.key, keyBytes.length + TIME_BYTES);
      if (start > latestSessionStart) continue;
      yield {
        key,
        start,
        end: readTime(entry.key, keyBytes.length),
        value: this.valueSerde.deserialize(entry.value, this.topic),
      };
    }
  }
}
