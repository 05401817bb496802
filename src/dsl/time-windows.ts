/**
 * Fixed-size windows aligned to the epoch (Kafka Streams' `TimeWindows`): tumbling when they
 * advance by their size (each record in exactly one window), hopping when they advance by less
 * (each record in size/advance overlapping windows). A window is `[start, start + size)`.
 *
 * Grace: a window accepts records until stream time reaches its end + grace; later records for it
 * are dropped. Its results are then final (what `suppress(untilWindowCloses())` waits for).
 */
import { requireDuration } from './window-duration.js';

export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    requireDuration('window size', sizeMs, 1);
    return new TimeWindows(sizeMs, sizeMs, requireDuration('grace period', graceMs));
  }

  /** Hopping windows: a new window starts every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    requireDuration('window advance', advanceMs, 1);
    if (advanceMs > this.sizeMs) throw new RangeError(`window advance (${advanceMs} ms) must not exceed the window size (${this.sizeMs} ms)`);
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /**
   * Start of the oldest window containing `timestamp`; the others follow every `advanceMs` up to
   * `timestamp`. A start rather than a list: aggregations call this per record, and an array per
   * record showed as the largest allocation of a windowed count.
   */
  firstWindowStartFor(timestamp: number): number {
    const first = Math.max(0, timestamp - this.sizeMs + this.advanceMs);
    return first - (first % this.advanceMs);
  }
}
