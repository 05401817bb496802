import { nullSafe } from './null-safe.js';
import { SerdeError, type Serde } from './types.js';

/*
 * Fixed-size big-endian numbers, byte-compatible with Kafka's IntegerSerializer, LongSerializer and
 * DoubleSerializer, so Java applications on the same topics read and write the same values.
 */

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const int32Serde: Serde<number> = nullSafe<number>(
  (value, topic) => {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new SerdeError(
        `Cannot serialize ${String(value)} as int32 for topic "${topic}": not a 32-bit integer`,
      );
    }
    const out = Buffer.allocUnsafe(4);
    out.writeInt32BE(value, 0);
    return out;
  },
  (data, topic) => {
    checkLength(data, 4, 'int32', topic);
    return data.readInt32BE(0);
  },
);

/** 64-bit integers are bigints: a JS number loses precision beyond 2^53. */
const int64Serde: Serde<bigint> = nullSafe<bigint>(
  (value, topic) => {
    if (typeof value !== 'bigint') {
      throw new SerdeError(
        `Cannot serialize a value of type ${typeof value} as int64 for topic "${topic}": expected a bigint`,
      );
    }
    if (value < INT64_MIN || value > INT64_MAX) {
      throw new SerdeError(
        `Cannot serialize ${value} as int64 for topic "${topic}": out of the signed 64-bit range`,
      );
    }
    const out = Buffer.allocUnsafe(8);
    out.writeBigInt64BE(value, 0);
    return out;
  },
  (data, topic) => {
    checkLength(data, 8, 'int64', topic);
    return data.readBigInt64BE(0);
  },
);

const float64Serde: Serde<number> = nullSafe<number>(
  (value, topic) => {
    if (typeof value !== 'number') {
      throw new SerdeError(
        `Cannot serialize a value of type ${typeof value} as float64 for topic "${topic}": expected a number`,
      );
    }
    const out = Buffer.allocUnsafe(8);
    out.writeDoubleBE(value, 0);
    return out;
  },
  (data, topic) => {
    checkLength(data, 8, 'float64', topic);
    return data.readDoubleBE(0);
  },
);

export function int32(): Serde<number> {
  return int32Serde;
}

export function int64(): Serde<bigint> {
  return int64Serde;
}

export function float64(): Serde<number> {
  return float64Serde;
}

function checkLength(data: Buffer, expected: number, kind: string, topic: string): void {
  if (data.length !== expected) {
    throw new SerdeError(
      `Cannot deserialize ${kind} from topic "${topic}": expected ${expected} bytes, got ${data.length}`,
    );
  }
}
