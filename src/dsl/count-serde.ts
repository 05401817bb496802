/**
 * The value serde of `count()` results: a JavaScript number written as a big-endian int64, the bytes
 * of Kafka's `LongSerializer`, so Java consumers read the counts as `Long`. Written as two 32-bit
 * halves: a count is a safe integer, and this runs for every update of a count (no BigInt on the way).
 */
import type { Serde } from '../serde/types.js';

const TWO_32 = 2 ** 32;

export const countSerde: Serde<number> = {
  serialize: (count) => {
    if (count === null) return null;
    if (!Number.isSafeInteger(count)) throw new RangeError(`a count must be a safe integer, got ${count}`);
    const out = Buffer.allocUnsafe(8);
    const high = Math.floor(count / TWO_32);
    out.writeInt32BE(high, 0);
    out.writeUInt32BE(count - high * TWO_32, 4);
    return out;
  },
  deserialize: (data) => (data === null ? (null as unknown as number) : data.readInt32BE(0) * TWO_32 + data.readUInt32BE(4)),
};
