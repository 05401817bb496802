/**
 * The processor behind aggregations over `TimeWindows` (tumbling and hopping): folds each record
 * into every window containing it, in a window store, and forwards each window's new result as a
 * KTable change keyed by `Windowed<K>`: through the store's cache when it has one (once per window
 * per commit, with the result last forwarded as old value, and the headers of the window's latest
 * record), else right away (with the record's headers).
 *
 * A window closes when the highest timestamp this processor has seen (its stream time) reaches the
 * window's end + grace; a record whose windows are all closed is dropped, counted in the task's
 * dropped-records metric and logged at debug.
 */
import { logger } from '../../logger.js';
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { WindowStore } from '../../state/window-store.js';
import { change, type Change } from '../change.js';
import type { TimeWindows } from '../time-windows.js';
import type { Windowed } from '../windowed.js';
import type { Fold } from './aggregate.js';

const log = logger.child({ component: 'windowed-aggregate' });

class WindowedAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  private context!: ProcessorContext<Windowed<K>, Change<VA>>;
  private store!: WindowStore<K, VA>;
  private cached = false;
  private observedStreamTime = -1;

  constructor(
    private readonly storeName: string,
    private readonly windows: TimeWindows,
    private readonly fold: Fold<K, V, VA>,
  ) {}

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
    const sizeMs = this.windows.sizeMs;
    this.cached = this.store.setFlushListener((key, start, newValue, oldValue, timestamp, headers) =>
      context.forward({ key: { key, window: { start, end: start + sizeMs } }, value: change(newValue, oldValue), timestamp, headers }),
    );
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value, timestamp, headers } = record;
    if (key === null || value === null) {
      this.context.countDroppedRecord();
      return;
    }
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
    const closeTime = this.observedStreamTime - this.windows.graceMs;
    let updated = false;
    const { sizeMs, advanceMs } = this.windows;
    for (let start = this.windows.firstWindowStartFor(timestamp); start <= timestamp; start += advanceMs) {
      const end = start + sizeMs;
      if (end <= closeTime) continue;
      const oldValue = this.store.get(key, start);
      const newValue = this.fold(key, value, oldValue);
      this.store.put(key, newValue, start, headers);
      if (!this.cached) this.context.forward({ key: { key, window: { start, end } }, value: change(newValue, oldValue), timestamp, headers });
      updated = true;
    }
    if (!updated) {
      this.context.countDroppedRecord();
      log.debug({ timestamp, streamTime: this.observedStreamTime, graceMs: this.windows.graceMs }, 'dropped a record later than the grace period of its windows');
    }
  }
}

export const windowedAggregateSupplier = <K, V, VA>(
  storeName: string,
  windows: TimeWindows,
  fold: Fold<K, V, VA>,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> => () => new WindowedAggregateProcessor(storeName, windows, fold);
