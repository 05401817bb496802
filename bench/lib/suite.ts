/** What a benchmark suite file exports, and what the runner hands it. */
import type { SuiteResult } from './report.js';

export interface SuiteContext {
  /** Small record counts, for checking the harness (results are not written to the README). */
  quick: boolean;
  /** Unique per run; prefix every topic, group and application id with it. */
  runId: string;
  /** Progress line to stderr (stdout carries the results). */
  log(message: string): void;
}

export interface Suite {
  id: string;
  title: string;
  run(context: SuiteContext): Promise<SuiteResult>;
}

/** A positive integer from the environment, else `fallback`. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}

const cleanups = new Set<() => Promise<unknown>>();

/**
 * Registers clean-up (e.g. deleting Kafka topics) that must also happen when the run is
 * interrupted (Ctrl-C); call the returned function once it has run normally.
 */
export function onInterrupt(cleanup: () => Promise<unknown>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * Runs every registered clean-up, newest first (close a running pipe before deleting its group),
 * bounded by `timeoutMs`; used by the runner on SIGINT/SIGTERM.
 */
export async function runInterruptCleanups(timeoutMs: number): Promise<void> {
  const all = (async () => {
    for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined);
  })();
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}
