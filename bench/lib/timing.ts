/** Timing helpers: a monotonic clock and "poll a counter until it reaches a target". */
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Milliseconds from a monotonic clock (immune to wall-clock adjustments). */
export function now(): number {
  return performance.now();
}

export interface CompletionResult {
  /** True if the counter reached the target before the timeout. */
  completed: boolean;
  /** From `startedAt` until the poll that saw the target reached (or the timeout). */
  elapsedMs: number;
  /** From `startedAt` until the first poll that saw a non-zero count (undefined if none did). */
  firstOutputMs: number | undefined;
  /** The last count seen. */
  count: number;
}

/**
 * Polls `count()` every `intervalMs` until it is >= `target`. Times are measured from `startedAt`
 * (a `now()` value taken by the caller just before it started the work), so the poll interval
 * bounds the measurement error: keep it small relative to the run.
 */
export async function waitForCount(options: {
  count: () => Promise<number> | number;
  target: number;
  startedAt: number;
  intervalMs: number;
  timeoutMs: number;
  /** Checked on every poll: throw (e.g. the app went to ERROR) to stop waiting. */
  check?: () => void;
}): Promise<CompletionResult> {
  const { count, target, startedAt, intervalMs, timeoutMs, check } = options;
  let firstOutputMs: number | undefined;
  let last = 0;
  for (;;) {
    last = await count();
    const t = now();
    if (last > 0 && firstOutputMs === undefined) firstOutputMs = t - startedAt;
    if (last >= target) return { completed: true, elapsedMs: t - startedAt, firstOutputMs, count: last };
    if (t - startedAt > timeoutMs) return { completed: false, elapsedMs: t - startedAt, firstOutputMs, count: last };
    check?.();
    await sleep(intervalMs);
  }
}
