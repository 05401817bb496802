import type { Headers } from '../broker/types.js';

/**
 * Turns a typed value into bytes and back. `null` stays `null` in both directions (a tombstone or a
 * null key), so every serde handles it. A deserializer that cannot read its input throws a
 * `SerdeError`; the runtime hands such a record to the deserialization-exception handler.
 */
export interface Serde<T> {
  serialize(value: T, topic: string, headers?: Headers): Buffer | null;
  deserialize(data: Buffer | null, topic: string, headers?: Headers): T;
}

export class SerdeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SerdeError';
  }
}
