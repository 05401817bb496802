import type { Headers } from '../broker/types.js';
import type { StreamRecord } from '../processor/api.js';

/** A record read from an output topic of the test driver. */
export type TestRecord<K, V> = StreamRecord<K, V>;

/** A record to pipe into an input topic; timestamp defaults to the driver's wall-clock time. */
export interface TestInputRecord<K, V> {
  key: K;
  value: V;
  timestamp?: number;
  headers?: Headers;
}
