/**
 * The processor behind aggregations over `SessionWindows`. A record at time t joins every session
 * of its key that ends at or after t - gap and starts at or before t + gap; those sessions merge
 * into one (their results combined with the merger) that also covers t. Merged sessions are
 * removed and forwarded as deletes (`newValue: null`), then the new session is forwarded, as in
 * Kafka Streams, all with the record's headers. A record whose merged session already closed (its end + grace reached by stream
 *  time, the session end being inclusive) is dropped and counted.
 */
import { logger } from '../../logger.js';
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { SessionEntry, SessionStore } from '../../state/session-store.js';
import { change, type Change } from '../change.js';
import type { SessionWindows } from '../session-windows.js';
import type { Windowed } from '../windowed.js';
import type { Fold } from './aggregate.js';

const log = logger.child({ component: 'session-aggregate' });

/** Combines the result so far (undefined before the first session) with one more session's result. */
export type SessionMerge<K, VA> = (key: K, current: VA | undefined, sessionValue: VA) => VA;

class SessionAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  private context!: ProcessorContext<Windowed<K>, Change<VA>>;
  private store!: SessionStore<K, VA>;
  private observedStreamTime = -1;

  constructor(
    private readonly storeName: string,
    private readonly windows: SessionWindows,
    private readonly fold: Fold<K, V, VA>,
    private readonly merge: SessionMerge<K, VA>,
  ) {}

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value, timestamp } = record;
    if (key === null || value === null) {
      this.context.countDroppedRecord();
      return;
    }
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
    const gap = this.windows.inactivityGapMs;
    const merged: SessionEntry<K, VA>[] = [...this.store.findSessions(key, timestamp - gap, timestamp + gap)];
    let start = timestamp;
    let end = timestamp;
    let aggregate: VA | undefined;
    for (const session of merged) {
      aggregate = this.merge(key, aggregate, session.value);
      start = Math.min(start, session.start);
      end = Math.max(end, session.end);
    }
    if (end + this.windows.graceMs < this.observedStreamTime) {
      this.context.countDroppedRecord();
      log.debug({ timestamp, streamTime: this.observedStreamTime, graceMs: this.windows.graceMs }, 'dropped a record later than the grace period of its session');
      return;
    }
    for (const session of merged) {
      this.store.remove(key, session.start, session.end);
      this.forward(key, session.start, session.end, change(null, session.value), record);
    }
    const result = this.fold(key, value, aggregate);
    this.store.put(key, start, end, result);
    this.forward(key, start, end, change(result, null), record);
  }

  private forward(key: K, start: number, end: number, value: Change<VA>, { timestamp, headers }: StreamRecord<K, V>): void {
    this.context.forward({ key: { key, window: { start, end } }, value, timestamp, headers });
  }
}

export const sessionAggregateSupplier = <K, V, VA>(
  storeName: string,
  windows: SessionWindows,
  fold: Fold<K, V, VA>,
  merge: SessionMerge<K, VA>,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> => () => new SessionAggregateProcessor(storeName, windows, fold, merge);
