/**
 * What `KTable#suppress` holds back (Kafka Streams' `Suppressed`). `untilWindowCloses()` turns a
 * windowed aggregation's stream of updates into one final result per window, emitted when the
 * window closes: when stream time reaches the window's end + grace.
 *
 * Stream time only moves with new records, so a window of a sensor that went quiet would wait for
 * the next record of any key in the task. `closeOnWallClock: true` also closes windows once the
 * wall clock passes end + grace (checked every `wallClockCheckIntervalMs`, default 1 s): final
 * results come out on time when event time tracks real time, as with live IoT readings. A record
 * that arrives for a window already closed that way is dropped and counted.
 */
export interface UntilWindowCloses {
  readonly kind: 'untilWindowCloses';
  readonly closeOnWallClock: boolean;
  readonly wallClockCheckIntervalMs: number;
}

export type Suppressed = UntilWindowCloses;

export const Suppressed = {
  untilWindowCloses(options: { closeOnWallClock?: boolean; wallClockCheckIntervalMs?: number } = {}): UntilWindowCloses {
    const interval = options.wallClockCheckIntervalMs ?? 1000;
    if (!Number.isSafeInteger(interval) || interval < 1) throw new RangeError(`wallClockCheckIntervalMs must be a whole number of ms >= 1, got ${interval}`);
    return { kind: 'untilWindowCloses', closeOnWallClock: options.closeOnWallClock ?? false, wallClockCheckIntervalMs: interval };
  },
};
