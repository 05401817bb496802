/**
 * One side of a windowed stream-stream join. Each side keeps its records in a window store (one
 * entry per key and timestamp, holding every value with that timestamp). A left record at t joins
 * the right records in `[t - before, t + after]`, and a right record at t the left records in
 * `[t - after, t + before]`; a result is stamped with the later of the two timestamps.
 *
 * A record is dropped (and counted) when it arrives after its own window closed: stream time
 * beyond t + (how far later its partners may be) + grace. For left and outer joins, a record that
 * found no partner waits in an "unmatched" store and is emitted with `null` for the other side
 * once stream time passes t + before + after + grace: from then on no record that could match it
 * is accepted any more, so the result never turns out to be spurious.
 *
 * Results carry the headers of the record being processed, as in Kafka Streams: the one that found
 * the partner, or the one whose stream time made unmatched records expire.
 */
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { Headers } from '../../broker/types.js';
import type { Serde } from '../../serde/types.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import { readTime, TIME_BYTES, writeTime } from '../../state/time-keys.js';
import type { WindowStore } from '../../state/window-store.js';

export interface StreamJoinSpec<K, VL, VR, VJ> {
  readonly leftStore: string;
  readonly rightStore: string;
  /** Stores of records still without a partner, for the sides that emit those (left: left/outer; right: outer). */
  readonly leftUnmatchedStore?: string;
  readonly rightUnmatchedStore?: string;
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly graceMs: number;
  readonly keySerde: Serde<K>;
  readonly joiner: (left: VL | null, right: VR | null, key: K) => VJ;
}

type Unmatched = KeyValueStore<Buffer, unknown[]>;

/** Unmatched-store key: `[timestamp, 8 bytes][key]`, so entries iterate oldest first. */
function unmatchedKey(timestamp: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(TIME_BYTES + key.length);
  writeTime(out, 0, timestamp);
  key.copy(out, TIME_BYTES);
  return out;
}

class StreamStreamJoinProcessor<K, VL, VR, VJ> implements Processor<K, unknown, K, VJ> {
  private context!: ProcessorContext<K, VJ>;
  private own!: WindowStore<K, unknown[]>;
  private other!: WindowStore<K, unknown[]>;
  private ownUnmatched: Unmatched | undefined;
  private otherUnmatched: Unmatched | undefined;
  private leftUnmatched: Unmatched | undefined;
  private rightUnmatched: Unmatched | undefined;
  /** How far before / after a record of this side its partners may be. */
  private readonly partnersBefore: number;
  private readonly partnersAfter: number;

  constructor(
    private readonly spec: StreamJoinSpec<K, VL, VR, VJ>,
    private readonly side: 'left' | 'right',
  ) {
    this.partnersBefore = side === 'left' ? spec.beforeMs : spec.afterMs;
    this.partnersAfter = side === 'left' ? spec.afterMs : spec.beforeMs;
  }

  init(context: ProcessorContext<K, VJ>): void {
    this.context = context;
    const { spec } = this;
    const store = <S>(name: string | undefined): S | undefined => (name === undefined ? undefined : context.getStateStore<S>(name));
    this.leftUnmatched = store(spec.leftUnmatchedStore);
    this.rightUnmatched = store(spec.rightUnmatchedStore);
    const left = context.getStateStore<WindowStore<K, unknown[]>>(spec.leftStore);
    const right = context.getStateStore<WindowStore<K, unknown[]>>(spec.rightStore);
    [this.own, this.other] = this.side === 'left' ? [left, right] : [right, left];
    [this.ownUnmatched, this.otherUnmatched] = this.side === 'left' ? [this.leftUnmatched, this.rightUnmatched] : [this.rightUnmatched, this.leftUnmatched];
  }

  process(record: StreamRecord<K, unknown>): void {
    const { key, value, timestamp, headers } = record;
    const streamTime = this.context.currentStreamTimeMs();
    if (key === null || value === null || timestamp + this.partnersAfter + this.spec.graceMs < streamTime) {
      this.context.countDroppedRecord();
      return;
    }
    this.own.put(key, [...(this.own.get(key, timestamp) ?? []), value], timestamp);
    let matched = false;
    const keyBytes = this.keyBytes(key);
    for (const partners of this.other.fetch(key, timestamp - this.partnersBefore, timestamp + this.partnersAfter)) {
      for (const partner of partners.value) {
        this.forward(key, this.side === 'left' ? value : partner, this.side === 'left' ? partner : value, Math.max(timestamp, partners.windowStart), headers);
      }
      matched = true;
      this.otherUnmatched?.delete(unmatchedKey(partners.windowStart, keyBytes));
    }
    if (!matched && this.ownUnmatched !== undefined) {
      const at = unmatchedKey(timestamp, keyBytes);
      this.ownUnmatched.put(at, [...(this.ownUnmatched.get(at) ?? []), value]);
    }
    this.emitUnmatched(streamTime, headers);
  }

  /** Emits, oldest first, the unmatched records of both sides that can no longer find a partner. */
  private emitUnmatched(streamTime: number, headers: Headers): void {
    const { beforeMs, afterMs, graceMs } = this.spec;
    const expired: { at: Buffer; timestamp: number; side: 'left' | 'right'; values: unknown[] }[] = [];
    for (const [side, store] of [['left', this.leftUnmatched], ['right', this.rightUnmatched]] as const) {
      if (store === undefined) continue;
      for (const entry of store.all()) {
        const timestamp = readTime(entry.key, 0);
        if (timestamp + beforeMs + afterMs + graceMs >= streamTime) break;
        expired.push({ at: entry.key, timestamp, side, values: entry.value });
      }
    }
    expired.sort((a, b) => a.timestamp - b.timestamp);
    for (const { at, timestamp, side, values } of expired) {
      (side === 'left' ? this.leftUnmatched : this.rightUnmatched)!.delete(at);
      const key = this.spec.keySerde.deserialize(at.subarray(TIME_BYTES), '');
      for (const value of values) {
        this.forward(key, side === 'left' ? value : null, side === 'left' ? null : value, timestamp, headers);
      }
    }
  }

  private forward(key: K, left: unknown, right: unknown, timestamp: number, headers: Headers): void {
    this.context.forward({ key, value: this.spec.joiner(left as VL | null, right as VR | null, key), timestamp, headers });
  }

  private keyBytes(key: K): Buffer {
    return this.spec.keySerde.serialize(key, '') ?? Buffer.alloc(0);
  }
}

export const streamStreamJoinSupplier = <K, VL, VR, VJ>(
  spec: StreamJoinSpec<K, VL, VR, VJ>,
  side: 'left' | 'right',
): ProcessorSupplier<K, unknown, K, VJ> => () => new StreamStreamJoinProcessor(spec, side);
