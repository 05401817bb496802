/**
 * Scheduled punctuators of one time kind (stream time or wall-clock time) in one task. Semantics
 * follow Kafka Streams: when time reaches a schedule's due time the punctuator runs once with the
 * current time, and the next due time is the first interval boundary after it (missed intervals
 * are skipped, not replayed in a burst).
 */
import type { Cancellable, Punctuator } from './api.js';

interface Schedule {
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  dueMs: number;
}

export class PunctuationQueue {
  private schedules: Schedule[] = [];
  /** Earliest due time (Infinity when nothing is scheduled): tasks compare it after every record. */
  nextDueMs = Infinity;

  schedule(firstDueMs: number, intervalMs: number, punctuator: Punctuator): Cancellable {
    const schedule: Schedule = { intervalMs, punctuator, dueMs: firstDueMs };
    this.schedules.push(schedule);
    this.nextDueMs = Math.min(this.nextDueMs, firstDueMs);
    return {
      cancel: () => {
        this.schedules = this.schedules.filter((s) => s !== schedule);
        this.updateNextDue();
      },
    };
  }

  /** Runs every punctuator due at `nowMs` through `run`, which owns error handling. */
  punctuate(nowMs: number, run: (punctuator: Punctuator, nowMs: number) => void): void {
    // A snapshot: punctuators may schedule or cancel while we iterate.
    for (const schedule of [...this.schedules]) {
      if (schedule.dueMs > nowMs) continue;
      const missed = Math.floor((nowMs - schedule.dueMs) / schedule.intervalMs);
      schedule.dueMs += (missed + 1) * schedule.intervalMs;
      run(schedule.punctuator, nowMs);
    }
    this.updateNextDue();
  }

  private updateNextDue(): void {
    this.nextDueMs = Infinity;
    for (const schedule of this.schedules) this.nextDueMs = Math.min(this.nextDueMs, schedule.dueMs);
  }
}
