/**
 * The Processor API: the low-level way to write a processing step, and what every DSL operator is
 * built on. Processing is synchronous on purpose: a record goes depth-first from its source through
 * every processor to the sinks with no `await` on the way (an await per record that reaches I/O
 * costs ~50x in throughput). I/O happens per batch, in the runtime, around this.
 */
import type { Headers } from '../broker/types.js';

/**
 * One record flowing through a topology (Kafka Streams calls it `Record`; that name would shadow
 * TypeScript's built-in `Record<K, V>` utility type in every file that imports it).
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Event time in milliseconds since the epoch. */
  readonly timestamp: number;
  readonly headers: Headers;
}

/** Where the record currently being processed came from; absent for records created by punctuators. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export type PunctuationType = 'stream-time' | 'wall-clock';

export interface Cancellable {
  cancel(): void;
}

export type Punctuator = (timestamp: number) => void;

export interface ProcessorContext<KOut = never, VOut = never> {
  readonly applicationId: string;
  /** `<subtopologyId>_<partition>`, like Kafka Streams' task id. */
  readonly taskId: string;
  /** Sends a record to every child, or only to the child with the given name. */
  forward<K extends KOut, V extends VOut>(record: StreamRecord<K, V>, childName?: string): void;
  /** Metadata of the input record being processed, if any. */
  recordMetadata(): RecordMetadata | undefined;
  /** Highest event time seen by this task so far; -1 before the first record. */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /**
   * Calls `punctuator` every `intervalMs`: in stream time (advanced only by records) or in
   * wall-clock time (advanced by the runtime's clock, or by the test driver).
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** A state store connected to this processor, or a global store (read-only). */
  getStateStore<S>(name: string): S;
  /**
   * Counts a record this processor dropped on purpose (e.g. later than its window's grace period)
   * in the task's `dropped-records-total` metric.
   */
  countDroppedRecord(): void;
  /** Asks the runtime to commit as soon as possible. */
  requestCommit(): void;
}

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

/** Makes a fresh processor per task: processors hold per-task state and must not be shared. */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;
