/**
 * The bytes layer under window and session stores: entries grouped into time segments so that
 * data older than the retention period can be dropped wholesale, as in Kafka Streams.
 *
 * Kafka Streams gives each segment its own RocksDB. Here a segment is a key prefix (its id, 8
 * bytes) inside one key-value bytes store: opening a LevelDB database is asynchronous, and a
 * `put` that starts a new segment must stay synchronous. Dropping a segment is a range delete,
 * applied with the next flush's batch.
 *
 * Keys are composite (the store key and its times, see `SegmentKeySchema`); the segment comes from
 * the schema's segment time. Retention is measured from the highest segment time written so far
 * (the observed stream time): a write older than `retentionMs` behind it is dropped, and reads
 * ignore segments that old. The observed time is kept in the store under a reserved key, so a
 * reopened store that restores nothing (checkpoint up to date) still knows it.
 */
import type { Headers } from '../broker/types.js';
import type { CacheFlushListener, ChangelogRestoreTarget, KeyValue, KeyValueBytesStore, RestoreRecord } from './key-value-store.js';
import { readTime, TIME_BYTES, timeBytes } from './time-keys.js';
import type { StateStore, StateStoreContext } from './types.js';

export interface SegmentKeySchema {
  /** The time that places a composite key in a segment (window start, session end). */
  segmentTime(compositeKey: Buffer): number;
}

export interface SegmentedBytesStore extends StateStore {
  /** Highest segment time written or restored; -1 before any. */
  readonly observedStreamTime: number;
  /** Earliest segment time still retained. */
  minLiveTime(): number;
  /**
   * Returns false when the entry is older than retention and was dropped. A `null` value deletes.
   * `headers`: as for `KeyValueBytesStore.put` (kept by a caching layer for its flush listener).
   */
  put(compositeKey: Buffer, value: Buffer | null, headers?: Headers): boolean;
  get(compositeKey: Buffer): Buffer | undefined;
  /**
   * Entries of the retained segments that may hold segment times in `[timeFrom, timeTo]`, with
   * composite keys in `[keyFrom, keyTo]` (undefined: unbounded) within each segment: segment order,
   * then key order. A superset: callers filter on exact key and times.
   */
  range(
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
  ): IterableIterator<KeyValue<Buffer, Buffer>>;
  /** Restore takes composite keys, as in the changelog, and places them in segments itself. */
  restoreTarget(): ChangelogRestoreTarget;
  /**
   * Registers the listener with the caching layer, if there is one (keys are composite). Returns
   * false when writes are not cached: the caller then forwards changes itself, as they happen.
   */
  setFlushListener(listener: CacheFlushListener<Buffer, Buffer>): boolean;
}

/** Segment id 2^64-1 is never reached by a 48-bit time: the prefix is free for metadata. */
const OBSERVED_TIME_KEY = Buffer.concat([Buffer.alloc(8, 0xff), Buffer.from('observed-stream-time')]);

export class PrefixSegmentedBytesStore implements SegmentedBytesStore {
  private observed = -1;
  private observedChanged = false;
  /** Segments below this id have been dropped. */
  private firstLiveSegment = 0;

  constructor(
    private readonly inner: KeyValueBytesStore,
    private readonly schema: SegmentKeySchema,
    readonly retentionMs: number,
    readonly segmentIntervalMs: number,
  ) {
    if (!(retentionMs > 0) || !(segmentIntervalMs > 0)) {
      throw new RangeError(`store '${inner.name}': retention and segment interval must be positive`);
    }
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get observedStreamTime(): number {
    return this.observed;
  }

  async init(context: StateStoreContext): Promise<void> {
    await this.inner.init(context);
    const stored = this.inner.get(OBSERVED_TIME_KEY);
    this.observed = stored === undefined ? -1 : readTime(stored, 0);
    this.dropExpiredSegments();
  }

  minLiveTime(): number {
    return Math.max(0, this.observed - this.retentionMs + 1);
  }

  setFlushListener(): boolean {
    return false;
  }

  put(compositeKey: Buffer, value: Buffer | null): boolean {
    const time = this.schema.segmentTime(compositeKey);
    if (time < this.minLiveTime()) return false;
    this.observe(time);
    this.dropExpiredSegments();
    const key = this.segmentKey(this.segmentOf(time), compositeKey);
    if (value === null) this.inner.delete(key);
    else this.inner.put(key, value);
    return true;
  }

  get(compositeKey: Buffer): Buffer | undefined {
    const time = this.schema.segmentTime(compositeKey);
    if (time < this.minLiveTime()) return undefined;
    return this.inner.get(this.segmentKey(this.segmentOf(time), compositeKey));
  }

  *range(
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    if (this.observed < 0) return;
    const first = this.segmentOf(Math.max(timeFrom, this.minLiveTime()));
    const last = this.segmentOf(Math.min(timeTo, this.observed));
    for (let segment = first; segment <= last; segment += 1) {
      const from = this.segmentKey(segment, keyFrom ?? Buffer.alloc(0));
      // No composite key is empty, so the next segment's bare prefix is an inclusive upper bound.
      const to = keyTo === undefined ? segmentPrefix(segment + 1) : this.segmentKey(segment, keyTo);
      for (const { key, value } of this.inner.range(from, to)) {
        yield { key: key.subarray(TIME_BYTES), value };
      }
    }
  }

  restoreTarget(): ChangelogRestoreTarget {
    const target = this.inner.restoreTarget();
    return {
      restoreBatch: (records: readonly RestoreRecord[]) => {
        const placed: RestoreRecord[] = [];
        for (const { key, value } of records) {
          if (key === null) continue;
          const time = this.schema.segmentTime(key);
          if (time < this.minLiveTime()) continue;
          this.observe(time);
          placed.push({ key: this.segmentKey(this.segmentOf(time), key), value });
        }
        target.restoreBatch(placed);
        // After the batch is below: it may hold records that its own later records expired.
        this.dropExpiredSegments();
      },
      wipe: async () => {
        this.observed = -1;
        this.observedChanged = false;
        this.firstLiveSegment = 0;
        await target.wipe();
      },
      flush: () => this.flush(),
    };
  }

  async flush(): Promise<void> {
    if (this.observedChanged) {
      this.inner.put(OBSERVED_TIME_KEY, timeBytes(this.observed));
      this.observedChanged = false;
    }
    await this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private observe(time: number): void {
    if (time <= this.observed) return;
    this.observed = time;
    this.observedChanged = true;
  }

  private dropExpiredSegments(): void {
    const firstLive = this.segmentOf(this.minLiveTime());
    if (firstLive <= this.firstLiveSegment) return;
    // Keys collected first: deleting while iterating would make the cursor re-seek every time.
    const expired = [...this.inner.range(undefined, segmentPrefix(firstLive))].map(({ key }) => key);
    for (const key of expired) this.inner.delete(key);
    this.firstLiveSegment = firstLive;
  }

  private segmentOf(time: number): number {
    return Math.floor(time / this.segmentIntervalMs);
  }

  private segmentKey(segment: number, compositeKey: Buffer): Buffer {
    return Buffer.concat([segmentPrefix(segment), compositeKey], TIME_BYTES + compositeKey.length);
  }
}

function segmentPrefix(segment: number): Buffer {
  return timeBytes(segment);
}
