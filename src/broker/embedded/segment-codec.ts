/**
 * The on-disk form of a partition log: a sequence of length-prefixed frames, one per offset.
 *
 *   frame  = u32 bodyLength, body
 *   body   = u8 0 (record), f64 timestamp, bytes key, bytes value, u16 headerCount, header*
 *          | u8 1 (transaction marker)
 *   bytes  = i32 length (-1 for null), data
 *   header = u16 nameLength, utf-8 name, u32 length, data
 *
 * Offsets are not stored: the n-th frame of a segment is offset n. All integers little-endian.
 */
import type { ConsumedRecord, Headers } from '../types.js';
import { NO_HEADERS, type LogEntry } from './partition-log.js';

const RECORD_FRAME = 0;
const MARKER_FRAME = 1;
const LENGTH_PREFIX = 4;
const MARKER_FRAME_SIZE = LENGTH_PREFIX + 1;

function bytesSize(data: Buffer | null): number {
  return 4 + (data ? data.length : 0);
}

function recordFrameSize(record: ConsumedRecord): number {
  let size = LENGTH_PREFIX + 1 + 8 + bytesSize(record.key) + bytesSize(record.value) + 2;
  for (const name in record.headers) {
    size += 2 + Buffer.byteLength(name) + 4 + record.headers[name].length;
  }
  return size;
}

function writeBytes(target: Buffer, data: Buffer | null, at: number): number {
  if (data === null) {
    target.writeInt32LE(-1, at);
    return at + 4;
  }
  target.writeInt32LE(data.length, at);
  data.copy(target, at + 4);
  return at + 4 + data.length;
}

/** Encodes appended records, optionally followed by one transaction marker, as one buffer to write. */
export function encodeEntries(records: readonly ConsumedRecord[], withMarker: boolean): Buffer {
  let total = withMarker ? MARKER_FRAME_SIZE : 0;
  for (const record of records) total += recordFrameSize(record);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const record of records) {
    const frameStart = at;
    at += LENGTH_PREFIX;
    out.writeUInt8(RECORD_FRAME, at);
    out.writeDoubleLE(record.timestamp, at + 1);
    at = writeBytes(out, record.key, at + 9);
    at = writeBytes(out, record.value, at);
    const names = Object.keys(record.headers);
    out.writeUInt16LE(names.length, at);
    at += 2;
    for (const name of names) {
      const nameLength = out.write(name, at + 2, 'utf8');
      out.writeUInt16LE(nameLength, at);
      at += 2 + nameLength;
      const headerValue = record.headers[name];
      out.writeUInt32LE(headerValue.length, at);
      headerValue.copy(out, at + 4);
      at += 4 + headerValue.length;
    }
    out.writeUInt32LE(at - frameStart - LENGTH_PREFIX, frameStart);
  }
  if (withMarker) {
    out.writeUInt32LE(1, at);
    out.writeUInt8(MARKER_FRAME, at + LENGTH_PREFIX);
  }
  return out;
}

function readBytes(source: Buffer, at: number): [Buffer | null, number] {
  const length = source.readInt32LE(at);
  if (length < 0) return [null, at + 4];
  return [source.subarray(at + 4, at + 4 + length), at + 4 + length];
}

export interface DecodedSegment {
  entries: LogEntry[];
  /** Bytes up to the end of the last complete frame; anything after it is a torn write. */
  validLength: number;
}

/** Decodes a whole segment. Keys, values and header values are views into `source`, not copies. */
export function decodeSegment(source: Buffer, topic: string, partition: number): DecodedSegment {
  const entries: LogEntry[] = [];
  let at = 0;
  while (at + LENGTH_PREFIX <= source.length) {
    const bodyLength = source.readUInt32LE(at);
    const bodyStart = at + LENGTH_PREFIX;
    const frameEnd = bodyStart + bodyLength;
    if (bodyLength === 0 || frameEnd > source.length) break;
    if (source.readUInt8(bodyStart) === MARKER_FRAME) {
      entries.push(null);
    } else {
      const timestamp = source.readDoubleLE(bodyStart + 1);
      const [key, afterKey] = readBytes(source, bodyStart + 9);
      const [value, afterValue] = readBytes(source, afterKey);
      const headerCount = source.readUInt16LE(afterValue);
      let cursor = afterValue + 2;
      const headers: Headers = headerCount === 0 ? NO_HEADERS : {};
      for (let i = 0; i < headerCount; i++) {
        const nameLength = source.readUInt16LE(cursor);
        cursor += 2;
        const name = source.toString('utf8', cursor, cursor + nameLength);
        cursor += nameLength;
        const valueLength = source.readUInt32LE(cursor);
        headers[name] = source.subarray(cursor + 4, cursor + 4 + valueLength);
        cursor += 4 + valueLength;
      }
      entries.push({ topic, partition, offset: entries.length, key, value, timestamp, headers });
    }
    at = frameEnd;
  }
  return { entries, validLength: at };
}
