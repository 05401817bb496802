import type { Serde } from './types.js';

/**
 * Builds a serde from an encoder and a decoder that never see `null`: the Serde contract passes
 * `null` through untouched in both directions (tombstones, null keys), and doing it here once keeps
 * every serde consistent. Only `null` counts: `undefined` reaches the encoder, because silently
 * turning it into a tombstone would delete the key from a compacted topic.
 */
export function nullSafe<T>(
  encode: (value: T, topic: string) => Buffer,
  decode: (data: Buffer, topic: string) => T,
): Serde<T> {
  return {
    serialize: (value, topic) => (value === null ? null : encode(value, topic)),
    deserialize: (data, topic) => (data === null ? (null as T) : decode(data, topic)),
  };
}
