/**
 * Bounded retries with exponential backoff, for the broker conditions kafkajs does not retry
 * itself or gives up on too early (see errors.ts for which errors count as passing).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Retries stop once this much time has passed since the first attempt; the last error is thrown then. */
  deadlineMs: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * A passing condition that did not pass in time; `cause` is the last error. Marked non-retriable
 * (kafkajs reads `retriable`), so a kafkajs retry loop around this one does not start it all over.
 */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  readonly retriable = false;

  constructor(cause: unknown, elapsedMs: number) {
    super(`${cause instanceof Error ? cause.message : String(cause)} (still failing after ${elapsedMs} ms of retries)`, { cause });
  }
}

const INITIAL_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1_000;

/**
 * Runs `operation` until it resolves, an error `retriable` rejects comes up, or the deadline
 * passes. A retriable error still failing at the deadline is rethrown as a RetriesExhaustedError.
 */
export async function retryWhile<T>(
  operation: () => Promise<T>,
  retriable: (err: unknown) => boolean,
  options: RetryOptions,
): Promise<T> {
  const start = Date.now();
  const deadline = start + options.deadlineMs;
  const maxBackoff = options.maxBackoffMs ?? MAX_BACKOFF_MS;
  let backoff = options.initialBackoffMs ?? INITIAL_BACKOFF_MS;
  for (;;) {
    try {
      return await operation();
    } catch (err) {
      // Exhausted further in: its own deadline already passed, so it is not started all over here.
      if (err instanceof RetriesExhaustedError || !retriable(err)) throw err;
      // ±20% jitter, so that clients failing together do not retry together.
      const wait = Math.round(backoff * (0.8 + Math.random() * 0.4));
      if (Date.now() + wait > deadline) throw new RetriesExhaustedError(err, Date.now() - start);
      await sleep(wait);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }
}
