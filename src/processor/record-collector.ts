/**
 * Where a task's output goes. The runtime implements it on top of a producer (batching sends
 * between commits); the test driver keeps records in memory. Sending is synchronous on purpose:
 * processing a record never waits for I/O.
 */
import type { Headers } from '../broker/types.js';

export interface OutgoingRecord {
  topic: string;
  /** Explicit partition; when absent: murmur2 of the key, or round-robin for a null key. */
  partition?: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Headers;
}

export interface RecordCollector {
  /** Queues a serialized record; the collector may keep `record` itself, so pass a fresh object. */
  send(record: OutgoingRecord): void;
  /** Partition count of a topic the application writes (for custom partitioners). */
  partitionCount(topic: string): number;
}
