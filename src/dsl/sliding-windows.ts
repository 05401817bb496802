/**
 * Sliding windows (Kafka Streams' `SlidingWindows`): windows of a fixed time difference that are
 * aligned to the records, not to the epoch. Every record at t has a window ending at it,
 * `[t - difference, t]`, and one starting just after it, `[t + 1, t + 1 + difference]`, if that one
 * holds records; each window aggregates exactly the records within it (both ends inclusive). So
 * the aggregate of every distinct group of records at most `difference` apart is computed, and no
 * window is empty. Records earlier than `difference` fall into `[0, difference]`.
 *
 * A record is dropped when its own window already closed: stream time beyond t + grace.
 */
import { requireDuration } from './window-duration.js';

export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(requireDuration('time difference', timeDifferenceMs, 1), requireDuration('grace period', graceMs));
  }
}
