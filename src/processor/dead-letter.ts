/**
 * Dead-letter records: the raw input record, unchanged, plus headers saying what went wrong and
 * where it came from, so it can be inspected and replayed.
 */
import type { ConsumedRecord } from '../broker/types.js';
import type { FailureStage } from './exception-handlers.js';
import type { OutgoingRecord } from './record-collector.js';

export const DEAD_LETTER_HEADERS = {
  stage: 'tributary.error.stage',
  errorClass: 'tributary.error.class',
  errorMessage: 'tributary.error.message',
  sourceTopic: 'tributary.source.topic',
  sourcePartition: 'tributary.source.partition',
  sourceOffset: 'tributary.source.offset',
} as const;

export function deadLetterTopic(applicationId: string): string {
  return `${applicationId}-dlq`;
}

export function deadLetterRecord(applicationId: string, stage: FailureStage, error: Error, raw: ConsumedRecord): OutgoingRecord {
  return {
    topic: deadLetterTopic(applicationId),
    key: raw.key,
    value: raw.value,
    timestamp: raw.timestamp,
    headers: {
      ...raw.headers,
      [DEAD_LETTER_HEADERS.stage]: Buffer.from(stage),
      [DEAD_LETTER_HEADERS.errorClass]: Buffer.from(errorClassName(error)),
      [DEAD_LETTER_HEADERS.errorMessage]: Buffer.from(error.message),
      [DEAD_LETTER_HEADERS.sourceTopic]: Buffer.from(raw.topic),
      [DEAD_LETTER_HEADERS.sourcePartition]: Buffer.from(String(raw.partition)),
      [DEAD_LETTER_HEADERS.sourceOffset]: Buffer.from(String(raw.offset)),
    },
  };
}

/** Subclasses that do not set `name` still report their own class, not `Error`. */
function errorClassName(error: Error): string {
  return error.name === 'Error' ? error.constructor.name : error.name;
}
