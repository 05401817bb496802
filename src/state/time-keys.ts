/**
 * Times inside keys of windowed and session stores: 8 bytes, big-endian, so that byte order is time
 * order. The top two bytes stay zero (Buffer writes at most 48-bit integers; 2^48 ms is 8,900 years),
 * which is what also keeps times non-negative: a negative time would sort after every positive one.
 */

export const TIME_BYTES = 8;
export const MAX_TIME = 2 ** 48 - 1;

export function writeTime(target: Buffer, offset: number, time: number): void {
  if (!Number.isSafeInteger(time) || time < 0 || time > MAX_TIME) {
    throw new RangeError(`store times must be integers from 0 to ${MAX_TIME} ms, got ${time}`);
  }
  target.writeUInt16BE(0, offset);
  target.writeUIntBE(time, offset + 2, 6);
}

export function readTime(source: Buffer, offset: number): number {
  return source.readUIntBE(offset + 2, 6);
}

export function timeBytes(time: number): Buffer {
  const out = Buffer.allocUnsafe(TIME_BYTES);
  writeTime(out, 0, time);
  return out;
}
