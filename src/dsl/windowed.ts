/**
 * Keys of windowed results: the record key plus the window it was aggregated in. Window bounds are
 * epoch milliseconds, start inclusive; a time window's end is exclusive (start + size), a session's
 * end is the timestamp of its last record (inclusive), as in Kafka Streams.
 */
import type { Serde } from '../serde/types.js';
import { readTime, TIME_BYTES, writeTime } from '../state/time-keys.js';

export interface Window {
  readonly start: number;
  readonly end: number;
}

export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}

/**
 * Kafka Streams' `TimeWindowedSerde` layout: `[key][start, 8 bytes big-endian]`; the end is
 * start + size, so readers must know the window size.
 */
export function timeWindowedSerde<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
  return {
    serialize: (windowed, topic, headers) => {
      if (windowed === null) return null;
      return withTimes(inner.serialize(windowed.key, topic, headers), [windowed.window.start]);
    },
    deserialize: (data, topic, headers) => {
      if (data === null) return null as unknown as Windowed<K>;
      const keyLength = data.length - TIME_BYTES;
      const start = readTime(data, keyLength);
      return { key: inner.deserialize(data.subarray(0, keyLength), topic, headers), window: { start, end: start + windowSizeMs } };
    },
  };
}

/** Kafka Streams' `SessionWindowedSerde` layout: `[key][end, 8 bytes][start, 8 bytes]`. */
export function sessionWindowedSerde<K>(inner: Serde<K>): Serde<Windowed<K>> {
  return {
    serialize: (windowed, topic, headers) => {
      if (windowed === null) return null;
      return withTimes(inner.serialize(windowed.key, topic, headers), [windowed.window.end, windowed.window.start]);
    },
    deserialize: (data, topic, headers) => {
      if (data === null) return null as unknown as Windowed<K>;
      const keyLength = data.length - 2 * TIME_BYTES;
      return {
        key: inner.deserialize(data.subarray(0, keyLength), topic, headers),
        window: { start: readTime(data, keyLength + TIME_BYTES), end: readTime(data, keyLength) },
      };
    },
  };
}

function withTimes(key: Buffer | null, times: readonly number[]): Buffer {
  const keyBytes = key ?? Buffer.alloc(0);
  const out = Buffer.allocUnsafe(keyBytes.length + times.length * TIME_BYTES);
  keyBytes.copy(out, 0);
  times.forEach((time, i) => writeTime(out, keyBytes.length + i * TIME_BYTES, time));
  return out;
}
