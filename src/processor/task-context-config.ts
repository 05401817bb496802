import type { ExceptionHandlerSetting } from './exception-handlers.js';
import type { RecordCollector } from './record-collector.js';

/** What a StreamTask needs from its environment (the runtime, or the test driver). */
export interface TaskContextConfig {
  applicationId: string;
  collector: RecordCollector;
  /** Real topic name for a topic name used in the topology (`topology.resolveTopic`). */
  resolveTopic(name: string): string;
  deserializationExceptionHandler: ExceptionHandlerSetting;
  processingExceptionHandler: ExceptionHandlerSetting;
  /** Wall-clock time in ms (the test driver controls it). */
  clock(): number;
  /** Base directory for persistent state stores. */
  stateDir?: string;
}
