/**
 * Several values in one store entry: what a stream-stream join keeps when records of one key share
 * a timestamp. Layout: per value, a 4-byte big-endian length, then the value's bytes.
 */
import type { Serde } from '../serde/types.js';

export function listSerde<V>(inner: Serde<V>): Serde<V[]> {
  return {
    serialize: (values, topic) => {
      if (values === null) return null;
      const parts: Buffer[] = [];
      for (const value of values) {
        const bytes = inner.serialize(value, topic) ?? Buffer.alloc(0);
        const length = Buffer.allocUnsafe(4);
        length.writeUInt32BE(bytes.length);
        parts.push(length, bytes);
      }
      return Buffer.concat(parts);
    },
    deserialize: (data, topic) => {
      if (data === null) return null as unknown as V[];
      const values: V[] = [];
      for (let offset = 0; offset < data.length; ) {
        const length = data.readUInt32BE(offset);
        values.push(inner.deserialize(data.subarray(offset + 4, offset + 4 + length), topic));
        offset += 4 + length;
      }
      return values;
    },
  };
}
