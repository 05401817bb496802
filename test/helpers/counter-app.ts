/** A stateful test app used by several suites: counts records per key in a logged store and emits the running count. */
import type { ProcessorContext, StreamRecord } from '../../src/processor/api.js';
import type { KeyValueStore } from '../../src/state/key-value-store.js';

export const COUNTER_STORE = 'counts';

export class Counter {
  private context!: ProcessorContext<string, number>;
  private counts!: KeyValueStore<string, number>;
  init(context: ProcessorContext<string, number>) {
    this.context = context;
    this.counts = context.getStateStore<KeyValueStore<string, number>>(COUNTER_STORE);
  }
  process(record: StreamRecord<string, string>) {
    const next = (this.counts.get(record.key) ?? 0) + 1;
    this.counts.put(record.key, next);
    this.context.forward({ key: record.key, value: next, timestamp: record.timestamp, headers: {} });
  }
}
