/** Small pieces every suite's rows use: failure checks for `waitForCount`, failed rows, heap settling. */
import type { StreamsApp } from '../../src/runtime/streams-app.js';
import type { RunningPipe } from './passthrough.js';
import type { BenchRow } from './report.js';

/** What identifies a row before it is measured. */
export type RowBase = Pick<BenchRow, 'id' | 'label' | 'records'>;

export function failedRow(base: RowBase, err: unknown): BenchRow {
  return { ...base, status: 'failed', note: (err as Error)?.message ?? String(err) };
}

export function notMeasured(base: RowBase, why: string): BenchRow {
  return { ...base, status: 'not measured', note: why };
}

/** With `node --expose-gc`, collect the previous row's garbage so the next row does not pay for it. */
export function settleHeap(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Throws (stopping the wait) once the app has failed. */
export function appCheck(app: StreamsApp): () => void {
  return () => {
    if (app.state === 'ERROR' || app.error) throw app.error ?? new Error(`app is in state ${app.state}`);
  };
}

/** Throws (stopping the wait) once the pipe has failed. */
export function pipeCheck(pipe: RunningPipe): () => void {
  return () => {
    if (pipe.error) throw pipe.error;
  };
}
