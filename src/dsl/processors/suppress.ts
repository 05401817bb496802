/**
 * The processor behind `suppress(Suppressed.untilWindowCloses())`: buffers the latest change of
 * each window and forwards it once, when the window closes (stream time, or optionally wall-clock
 * time, reaches its end + grace). Windows close in end order; `closedThrough` remembers how far
 * windows are closed, so a window never yields a second result.
 *
 * The buffer lives in memory: results buffered but not yet emitted when the application stops are
 * recomputed only if their input is reprocessed.
 */
import { logger } from '../../logger.js';
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import { change, type Change } from '../change.js';
import type { UntilWindowCloses } from '../suppressed.js';
import type { Windowed } from '../windowed.js';

const log = logger.child({ component: 'suppress' });

interface Buffered<K, V> {
  readonly key: Windowed<K>;
  /** The value before the first buffered change: what downstream last saw. */
  readonly oldValue: V | null;
  newValue: V | null;
  timestamp: number;
}

class SuppressProcessor<K, V> implements Processor<Windowed<K>, Change<V>, Windowed<K>, Change<V>> {
  private context!: ProcessorContext<Windowed<K>, Change<V>>;
  /** By window end, then key; insertion order within one end. */
  private readonly buffer = new Map<string, Buffered<K, V>>();
  private earliestEnd = Infinity;
  private streamTime = -1;
  /** Windows ending at or before this have been emitted (or dropped): they are closed for good. */
  private closedThrough = -Infinity;

  constructor(
    private readonly graceMs: number,
    private readonly suppressed: UntilWindowCloses,
    /** Identifies a windowed key (serialized bytes as latin1). */
    private readonly identify: (key: Windowed<K>) => string,
  ) {}

  init(context: ProcessorContext<Windowed<K>, Change<V>>): void {
    this.context = context;
    if (this.suppressed.closeOnWallClock) {
      context.schedule(this.suppressed.wallClockCheckIntervalMs, 'wall-clock', (now) => this.closeThrough(now - this.graceMs));
    }
  }

  process(record: StreamRecord<Windowed<K>, Change<V>>): void {
    if (record.timestamp > this.streamTime) this.streamTime = record.timestamp;
    const end = record.key.window.end;
    if (end <= this.closedThrough) {
      this.context.countDroppedRecord();
      log.debug({ windowEnd: end, closedThrough: this.closedThrough }, 'dropped an update of a window already closed');
    } else {
      const id = this.identify(record.key);
      const buffered = this.buffer.get(id);
      if (buffered === undefined) {
        this.buffer.set(id, { key: record.key, oldValue: record.value.oldValue, newValue: record.value.newValue, timestamp: record.timestamp });
        if (end < this.earliestEnd) this.earliestEnd = end;
      } else {
        buffered.newValue = record.value.newValue;
        buffered.timestamp = record.timestamp;
      }
    }
    this.closeThrough(this.streamTime - this.graceMs);
  }

  /** Emits every buffered window ending at or before `time`, oldest end first. */
  private closeThrough(time: number): void {
    if (time <= this.closedThrough) return;
    this.closedThrough = time;
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
      // A window whose result was deleted and never existed downstream has nothing to emit.
      if (entry.newValue === null && entry.oldValue === null) continue;
      this.context.forward({ key: entry.key, value: change(entry.newValue, entry.oldValue), timestamp: entry.timestamp, headers: {} });
    }
  }
}

export const suppressSupplier = <K, V>(
  graceMs: number,
  suppressed: UntilWindowCloses,
  identify: (key: Windowed<K>) => string,
): ProcessorSupplier<Windowed<K>, Change<V>, Windowed<K>, Change<V>> => () => new SuppressProcessor(graceMs, suppressed, identify);
