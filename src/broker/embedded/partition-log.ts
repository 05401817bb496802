/**
 * One partition: an append-only sequence of entries whose index is the offset. An entry is a
 * record, or `null` for a transaction marker: like Kafka's control records, a marker takes an
 * offset but is never handed to a reader, so offsets after a transaction are not contiguous and
 * the end offset can be past the last record (code that assumes otherwise breaks here as on Kafka).
 */
import type { ConsumedRecord, Headers, ProducerRecord } from '../types.js';
import type { SegmentFile } from './data-dir.js';
import { encodeEntries } from './segment-codec.js';
import type { Signal } from './signal.js';

export type LogEntry = ConsumedRecord | null;

/** Shared by every record without headers (one object per record would cost a third of the throughput), hence frozen. */
export const NO_HEADERS: Headers = Object.freeze({});

export interface LogRead {
  records: ConsumedRecord[];
  /** The offset after the last entry looked at (records and markers alike): where to read next. */
  next: number;
}

export class PartitionLog {
  private readonly watchers = new Set<Signal>();
  private markers: number;

  /** `entries` are the ones restored from disk; `segment` receives every append when persistent. */
  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly entries: LogEntry[] = [],
    private readonly segment?: SegmentFile,
  ) {
    this.markers = entries.reduce((count, entry) => (entry === null ? count + 1 : count), 0);
  }

  /** The offset the next entry gets (Kafka's high watermark). */
  get endOffset(): number {
    return this.entries.length;
  }

  /** Nothing is ever removed (no retention, no compaction), so the log always starts at 0. */
  get beginningOffset(): number {
    return 0;
  }

  /** Appends records, then a transaction marker when they end a transaction, and wakes watchers. */
  append(records: readonly ProducerRecord[], endsTransaction: boolean): void {
    const appended: ConsumedRecord[] = new Array(records.length);
    let offset = this.entries.length;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const entry: ConsumedRecord = {
        topic: this.topic,
        partition: this.partition,
        offset: offset++,
        key: record.key,
        value: record.value,
        timestamp: record.timestamp,
        headers: record.headers ?? NO_HEADERS,
      };
      appended[i] = entry;
      this.entries.push(entry);
    }
    if (endsTransaction) {
      this.entries.push(null);
      this.markers++;
    }
    this.segment?.append(encodeEntries(appended, endsTransaction));
    for (const watcher of this.watchers) watcher.notify();
  }

  /** Up to `maxRecords` records from `from`, not reading at or past `to`. */
  read(from: number, maxRecords: number, to: number = this.entries.length): LogRead {
    const end = Math.min(to, this.entries.length);
    if (this.markers === 0) {
      const stop = Math.min(end, from + maxRecords);
      return { records: this.entries.slice(from, stop) as ConsumedRecord[], next: Math.max(from, stop) };
    }
    const records: ConsumedRecord[] = [];
    let offset = from;
    while (offset < end && records.length < maxRecords) {
      const entry = this.entries[offset++];
      if (entry !== null) records.push(entry);
    }
    return { records, next: offset };
  }

  /** `signal` is notified on every append until `unwatch`. */
  watch(signal: Signal): void {
    this.watchers.add(signal);
  }

  unwatch(signal: Signal): void {
    this.watchers.delete(signal);
  }
}
