/**
 * Session windows (Kafka Streams' `SessionWindows`): per key, records closer together than the
 * inactivity gap belong to one session, which grows and merges as records arrive. A session is
 * `[first record time, last record time]`, both inclusive. A session accepts records until stream
 * time reaches its end + grace.
 */
import { requireDuration } from './window-duration.js';

export class SessionWindows {
  private constructor(
    readonly inactivityGapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return SessionWindows.ofInactivityGapAndGrace(inactivityGapMs, 0);
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(requireDuration('inactivity gap', inactivityGapMs, 1), requireDuration('grace period', graceMs));
  }
}
