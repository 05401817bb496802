/**
 * The value serde of `count()` results: a JavaScript number written as a big-endian int64, the bytes
 * of Kafka's `LongSerializer`, so Java consumers read the counts as `Long`.
 */
import type { Serde } from '../serde/types.js';

export const countSerde: Serde<number> = {
  serialize: (count) => {
    if (count === null) return null;
    const out = Buffer.allocUnsafe(8);
    out.writeBigInt64BE(BigInt(count));
    return out;
  },
  deserialize: (data) => (data === null ? (null as unknown as number) : Number(data.readBigInt64BE(0))),
};
