/**
 * Buffered input of one partition of a task, in offset order. The head record is deserialized
 * lazily, when the task needs its timestamp to choose what to process next; records that cannot be
 * read are handed to `onBadRecord` and skipped.
 */
import type { ConsumedRecord } from '../broker/types.js';
import type { StreamRecord } from './api.js';
import type { SourceNodeInstance } from './source-node.js';

export class PartitionQueue {
  /** Never written to: it may be the very array `add` was given. */
  private buffer: readonly ConsumedRecord[] = [];
  private position = 0;
  private headRecord: StreamRecord<unknown, unknown> | undefined;
  /** Highest timestamp taken from this partition; -1 before the first (timestamp extractors get it). */
  private partitionTimeMs = -1;
  /** Offset of the next record to read, for commits; -1 until a record is consumed. */
  private nextOffset = -1;
  private consumedSinceCommit = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly source: SourceNodeInstance,
    /** Runs the deserialization handler; throws when the app must stop. */
    private readonly onBadRecord: (raw: ConsumedRecord, error: unknown) => void,
  ) {}

  /** Buffers `records`, which the caller must not change afterwards. */
  add(records: readonly ConsumedRecord[]): void {
    // Usually the previous batch is drained by now: take the array as it is rather than copy a
    // batch record by record (the copy's growing array was a large share of the per-batch garbage).
    if (this.position === this.buffer.length) {
      this.buffer = records;
      this.position = 0;
      return;
    }
    const merged = this.buffer.slice(this.position);
    for (let i = 0; i < records.length; i++) merged.push(records[i]);
    this.buffer = merged;
    this.position = 0;
  }

  /** The next record to process, deserialized; undefined when the buffer is drained. */
  head(): StreamRecord<unknown, unknown> | undefined {
    if (this.headRecord !== undefined) return this.headRecord;
    while (this.position < this.buffer.length) {
      const raw = this.buffer[this.position];
      try {
        this.headRecord = this.source.toRecord(raw, this.partitionTimeMs);
        return this.headRecord;
      } catch (error) {
        this.onBadRecord(raw, error);
        this.consumed(raw);
      }
    }
    // Drained: start over with an empty buffer rather than keep processed records alive.
    this.buffer = [];
    this.position = 0;
    return undefined;
  }

  /** The raw form of `head()`, for the dead-letter topic and record metadata. */
  headRaw(): ConsumedRecord {
    return this.buffer[this.position];
  }

  /** Removes the head once it is processed (or dead-lettered). */
  advance(): void {
    const timestamp = this.headRecord!.timestamp;
    if (timestamp > this.partitionTimeMs) this.partitionTimeMs = timestamp;
    this.headRecord = undefined;
    this.consumed(this.buffer[this.position]);
  }

  /** The commit position, if records were consumed since the last `markCommitted()`. */
  offsetToCommit(): number | undefined {
    return this.consumedSinceCommit ? this.nextOffset : undefined;
  }

  markCommitted(): void {
    this.consumedSinceCommit = false;
  }

  private consumed(raw: ConsumedRecord): void {
    this.position++;
    this.nextOffset = raw.offset + 1;
    this.consumedSinceCommit = true;
  }
}
