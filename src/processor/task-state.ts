/**
 * The state every node of one task shares: which input record is being processed, stream time,
 * punctuation schedules, stores. Owned by the StreamTask; node contexts read and schedule through it.
 */
import type { RecordMetadata } from './api.js';
import type { StateStore } from '../state/types.js';
import { PunctuationQueue } from './punctuation.js';

export class TaskState {
  /** The raw input record being processed; undefined while punctuating. */
  currentRecord: RecordMetadata | undefined;
  /** Highest event time processed; -1 before the first record. Never goes backwards. */
  streamTimeMs = -1;
  /** Event time of the record being processed; stream time while punctuating or flushing. */
  recordTimestampMs = -1;
  /** Records processors dropped on purpose (too late for their window, ...): `dropped-records-total`. */
  droppedRecordsTotal = 0;
  commitRequested = false;
  readonly streamTimePunctuation = new PunctuationQueue();
  readonly wallClockPunctuation = new PunctuationQueue();
  readonly stores = new Map<string, StateStore>();

  constructor(
    readonly applicationId: string,
    readonly taskId: string,
    readonly clock: () => number,
    /** Global stores (read-only to processors, filled by the global task), by name. */
    readonly globalStore: (name: string) => StateStore | undefined,
  ) {}
}
