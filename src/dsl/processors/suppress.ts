/**
 * The processor behind `suppress(Suppressed.untilWindowCloses())`: buffers the latest change of
 * each window and forwards it once, when the window closes: when stream time (or optionally
 * wall-clock time) reaches its end + `closeAfterEndMs` (the grace period, plus 1 ms for windows
 * whose end is inclusive: sessions and sliding windows). Windows close in end order;
 * `closedThrough` remembers how far windows are closed, so a window never yields a second result.
 *
 * A result goes out with the time and headers of the window's latest update, as in Kafka Streams.
 *
 * The buffer is mirrored in a logged key-value store, like Kafka Streams' suppression buffer, so
 * results held back when the application stops are restored and still emitted once. Store keys
 * are `[window end, 8 bytes][windowed key]` (window end order); the empty key holds `closedThrough`.
 */
import type { Headers } from '../../broker/types.js';
import { logger } from '../../logger.js';
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { Serde } from '../../serde/types.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import { TIME_BYTES, writeTime } from '../../state/time-keys.js';
import { change, type Change } from '../change.js';
import type { UntilWindowCloses } from '../suppressed.js';
import type { Windowed } from '../windowed.js';

const log = logger.child({ component: 'suppress' });
const CLOSED_THROUGH_KEY = Buffer.alloc(0);

interface Buffered<K, V> {
  readonly storeKey: Buffer;
  readonly key: Windowed<K>;
  /** The value before the first buffered change: what downstream last saw. */
  readonly oldValue: V | null;
  newValue: V | null;
  timestamp: number;
  headers: Headers;
}

export interface SuppressSpec<K, V> {
  readonly storeName: string;
  readonly closeAfterEndMs: number;
  readonly suppressed: UntilWindowCloses;
  readonly keySerde: Serde<Windowed<K>>;
  readonly valueSerde: Serde<V>;
}

class SuppressProcessor<K, V> implements Processor<Windowed<K>, Change<V>, Windowed<K>, Change<V>> {
  private context!: ProcessorContext<Windowed<K>, Change<V>>;
  private store!: KeyValueStore<Buffer, Buffer>;
  /** By store key (latin1): window end order once loaded, then insertion order. */
  private readonly buffer = new Map<string, Buffered<K, V>>();
  private earliestEnd = Infinity;
  private streamTime = -1;
  /** Windows ending at or before this have been emitted (or dropped): they are closed for good. */
  private closedThrough = -Infinity;

  constructor(private readonly spec: SuppressSpec<K, V>) {}

  init(context: ProcessorContext<Windowed<K>, Change<V>>): void {
    this.context = context;
    this.store = context.getStateStore(this.spec.storeName);
    for (const { key, value } of this.store.all()) {
      if (key.length === 0) {
        this.closedThrough = value.readDoubleBE(0);
        continue;
      }
      const entry = this.decode(key, value);
      this.buffer.set(key.toString('latin1'), entry);
      this.earliestEnd = Math.min(this.earliestEnd, entry.key.window.end);
    }
    if (this.spec.suppressed.closeOnWallClock) {
      context.schedule(this.spec.suppressed.wallClockCheckIntervalMs, 'wall-clock', (now) => this.closeThrough(now - this.spec.closeAfterEndMs));
    }
  }

  process(record: StreamRecord<Windowed<K>, Change<V>>): void {
    if (record.timestamp > this.streamTime) this.streamTime = record.timestamp;
    const end = record.key.window.end;
    if (end <= this.closedThrough) {
      this.context.countDroppedRecord();
      log.debug({ windowEnd: end, closedThrough: this.closedThrough }, 'dropped an update of a window already closed');
    } else {
      this.buffered(record);
    }
    this.closeThrough(this.streamTime - this.spec.closeAfterEndMs);
  }

  private buffered(record: StreamRecord<Windowed<K>, Change<V>>): void {
    const storeKey = this.storeKey(record.key);
    const id = storeKey.toString('latin1');
    let entry = this.buffer.get(id);
    if (entry === undefined) {
      entry = {
        storeKey,
        key: record.key,
        oldValue: record.value.oldValue,
        newValue: record.value.newValue,
        timestamp: record.timestamp,
        headers: record.headers,
      };
      this.buffer.set(id, entry);
      this.earliestEnd = Math.min(this.earliestEnd, record.key.window.end);
    } else {
      entry.newValue = record.value.newValue;
      entry.timestamp = record.timestamp;
      entry.headers = record.headers;
    }
    this.store.put(storeKey, this.encode(entry));
  }

  /** Emits every buffered window ending at or before `time`, oldest end first. */
  private closeThrough(time: number): void {
    if (time <= this.closedThrough) return;
    this.closedThrough = time;
    const closed = Buffer.allocUnsafe(8);
    closed.writeDoubleBE(time);
    this.store.put(CLOSED_THROUGH_KEY, closed);
    if (this.earliestEnd > time) return;
    const closing: Buffered<K, V>[] = [];
    this.earliestEnd = Infinity;
    for (const [id, entry] of this.buffer) {
      const end = entry.key.window.end;
      if (end <= time) {
        closing.push(entry);
        this.buffer.delete(id);
      } else if (end < this.earliestEnd) {
        this.earliestEnd = end;
      }
    }
    closing.sort((a, b) => a.key.window.end - b.key.window.end);
    for (const entry of closing) {
      this.store.delete(entry.storeKey);
      // A window whose result was deleted and never existed downstream has nothing to emit.
      if (entry.newValue === null && entry.oldValue === null) continue;
      this.context.forward({ key: entry.key, value: change(entry.newValue, entry.oldValue), timestamp: entry.timestamp, headers: entry.headers });
    }
  }

  private storeKey(key: Windowed<K>): Buffer {
    const keyBytes = this.spec.keySerde.serialize(key, this.spec.storeName) ?? Buffer.alloc(0);
    const out = Buffer.allocUnsafe(TIME_BYTES + keyBytes.length);
    writeTime(out, 0, key.window.end);
    keyBytes.copy(out, TIME_BYTES);
    return out;
  }

  /**
   * `[timestamp, double][old value][new value][headers]`, each value as a signed 4-byte length (-1:
   * null) and its bytes; headers as their count (4 bytes), then each name and value as a 4-byte
   * length and its bytes (the name in UTF-8).
   */
  private encode(entry: Buffered<K, V>): Buffer {
    const parts: Buffer[] = [Buffer.allocUnsafe(8)];
    parts[0].writeDoubleBE(entry.timestamp);
    const length = (n: number) => {
      const bytes = Buffer.allocUnsafe(4);
      bytes.writeInt32BE(n);
      parts.push(bytes);
    };
    for (const value of [entry.oldValue, entry.newValue]) {
      const bytes = value === null ? null : this.spec.valueSerde.serialize(value, this.spec.storeName);
      length(bytes === null ? -1 : bytes.length);
      if (bytes !== null) parts.push(bytes);
    }
    const names = Object.keys(entry.headers);
    length(names.length);
    for (const name of names) {
      const nameBytes = Buffer.from(name, 'utf8');
      const value = entry.headers[name];
      length(nameBytes.length);
      parts.push(nameBytes);
      length(value.length);
      parts.push(value);
    }
    return Buffer.concat(parts);
  }

  private decode(storeKey: Buffer, data: Buffer): Buffered<K, V> {
    const values: (V | null)[] = [];
    let offset = 8;
    for (let i = 0; i < 2; i++) {
      const length = data.readInt32BE(offset);
      offset += 4;
      values.push(length < 0 ? null : this.spec.valueSerde.deserialize(data.subarray(offset, offset + length), this.spec.storeName));
      offset += Math.max(length, 0);
    }
    // Entries buffered before headers were kept end after the new value.
    const headers: Headers = {};
    const headerCount = offset < data.length ? data.readInt32BE(offset) : 0;
    offset += 4;
    for (let i = 0; i < headerCount; i++) {
      const nameLength = data.readInt32BE(offset);
      const name = data.toString('utf8', offset + 4, offset + 4 + nameLength);
      offset += 4 + nameLength;
      const valueLength = data.readInt32BE(offset);
      headers[name] = Buffer.from(data.subarray(offset + 4, offset + 4 + valueLength));
      offset += 4 + valueLength;
    }
    return {
      storeKey,
      key: this.spec.keySerde.deserialize(storeKey.subarray(TIME_BYTES), this.spec.storeName),
      oldValue: values[0],
      newValue: values[1],
      timestamp: data.readDoubleBE(0),
      headers,
    };
  }
}

export const suppressSupplier = <K, V>(spec: SuppressSpec<K, V>): ProcessorSupplier<Windowed<K>, Change<V>, Windowed<K>, Change<V>> =>
  () => new SuppressProcessor(spec);
