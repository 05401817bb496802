/**
 * The processor behind aggregations over `SlidingWindows`. Besides the window results (a window
 * store by window start), it keeps the key's recent records (a second window store, one entry per
 * timestamp holding that timestamp's values): a window that comes into existence gets its result
 * by folding the records within it, while windows that already exist are updated with the new
 * record alone.
 *
 * The windows a record at t touches (D: time difference):
 * - every existing window containing t (starts in `[t - D, t]`): updated;
 * - its own window `[t - D, t]` (`[0, D]` early on), if new;
 * - the window `[q + 1, q + 1 + D]` after each earlier record q in `[t - D - 1, t - 1]`, which
 *   holds t and so now exists;
 * - the window after it, `[t + 1, t + 1 + D]`, if later records (arrived earlier) are in it.
 * Each touched window is forwarded with its new result, oldest start first.
 */
import { logger } from '../../logger.js';
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { WindowStore } from '../../state/window-store.js';
import { change, type Change } from '../change.js';
import type { SlidingWindows } from '../sliding-windows.js';
import type { Windowed } from '../windowed.js';
import type { Fold } from './aggregate.js';

const log = logger.child({ component: 'sliding-aggregate' });

class SlidingAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  private context!: ProcessorContext<Windowed<K>, Change<VA>>;
  private results!: WindowStore<K, VA>;
  private records!: WindowStore<K, V[]>;
  private observedStreamTime = -1;

  constructor(
    private readonly resultStoreName: string,
    private readonly recordStoreName: string,
    private readonly windows: SlidingWindows,
    private readonly fold: Fold<K, V, VA>,
  ) {}

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.context = context;
    this.results = context.getStateStore(this.resultStoreName);
    this.records = context.getStateStore(this.recordStoreName);
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value, timestamp: t } = record;
    if (key === null || value === null) {
      this.context.countDroppedRecord();
      return;
    }
    if (t > this.observedStreamTime) this.observedStreamTime = t;
    if (t + this.windows.graceMs < this.observedStreamTime) {
      this.context.countDroppedRecord();
      log.debug({ timestamp: t, streamTime: this.observedStreamTime, graceMs: this.windows.graceMs }, 'dropped a record later than the grace period of its window');
      return;
    }
    const d = this.windows.timeDifferenceMs;
    this.records.put(key, [...(this.records.get(key, t) ?? []), value], t);

    const existing = new Map<number, VA>();
    for (const { windowStart, value: result } of this.results.fetch(key, Math.max(0, t - d), t + 1)) existing.set(windowStart, result);
    const starts = new Set(existing.keys());
    starts.add(Math.max(0, t - d));
    for (const { windowStart: q } of this.records.fetch(key, t - d - 1, t - 1)) starts.add(q + 1);
    if (!existing.has(t + 1) && this.hasRecords(key, t + 1, t + 1 + d)) starts.add(t + 1);

    for (const start of [...starts].sort((a, b) => a - b)) {
      const old = existing.get(start);
      if (old !== undefined && start > t) continue; // the window after t exists and does not hold t
      const result = old !== undefined ? this.fold(key, value, old) : this.aggregate(key, start, start + d);
      this.results.put(key, result, start);
      this.context.forward({ key: { key, window: { start, end: start + d } }, value: change(result, old), timestamp: t, headers: record.headers });
    }
  }

  private hasRecords(key: K, from: number, to: number): boolean {
    return !this.records.fetch(key, from, to).next().done;
  }

  /** Folds the key's records in `[from, to]`, oldest first. */
  private aggregate(key: K, from: number, to: number): VA {
    let result: VA | undefined;
    for (const { value: values } of this.records.fetch(key, from, to)) {
      for (const value of values) result = this.fold(key, value, result);
    }
    return result!;
  }
}

export const slidingAggregateSupplier = <K, V, VA>(
  resultStoreName: string,
  recordStoreName: string,
  windows: SlidingWindows,
  fold: Fold<K, V, VA>,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> => () => new SlidingAggregateProcessor(resultStoreName, recordStoreName, windows, fold);
