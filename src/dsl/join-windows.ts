/**
 * Which records of two streams join (Kafka Streams' `JoinWindows`): a left record at time t joins
 * right records with timestamps in `[t - before, t + after]` (symmetric: `timeDifference` each
 * way). Records are kept until stream time passes their window end + grace; an outer or left join
 * emits a record without a partner only then, once it is certain none will come.
 */
import { requireDuration } from './window-duration.js';

export class JoinWindows {
  private constructor(
    /** How far before a left record a right record may be. */
    readonly beforeMs: number,
    /** How far after a left record a right record may be. */
    readonly afterMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    requireDuration('join time difference', timeDifferenceMs);
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, requireDuration('grace period', graceMs));
  }

  /** Right records may be at most `beforeMs` earlier than left ones. */
  before(beforeMs: number): JoinWindows {
    return new JoinWindows(requireDuration('join window before', beforeMs), this.afterMs, this.graceMs);
  }

  /** Right records may be at most `afterMs` later than left ones. */
  after(afterMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, requireDuration('join window after', afterMs), this.graceMs);
  }
}
