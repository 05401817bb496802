export type {
  Cancellable,
  Processor,
  ProcessorContext,
  ProcessorSupplier,
  PunctuationType,
  Punctuator,
  RecordMetadata,
  StreamRecord,
} from './api.js';
export { StreamTask } from './stream-task.js';
export type { StoreRestoreRequest, TaskContextConfig } from './task-context-config.js';
export type { OutgoingRecord, RecordCollector } from './record-collector.js';
export type { ExceptionHandlerSetting, FailureContext, FailureStage, HandlerResponse } from './exception-handlers.js';
export { StreamsError } from './streams-error.js';
export { DEAD_LETTER_HEADERS, deadLetterTopic } from './dead-letter.js';
export { InvalidTimestampError } from './source-node.js';
