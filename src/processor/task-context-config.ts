import type { ChangelogRestoreTarget } from '../state/key-value-store.js';
import type { StateStore } from '../state/types.js';
import type { ExceptionHandlerSetting } from './exception-handlers.js';
import type { RecordCollector } from './record-collector.js';

/** What the runtime must do to bring one logged store up to date with its changelog. */
export interface StoreRestoreRequest {
  readonly storeName: string;
  /** Real changelog topic name: `<appId>-<store>-changelog`. */
  readonly changelogTopic: string;
  readonly partition: number;
  readonly taskId: string;
  /** The innermost store: restored records bypass caching, logging and forwarding. */
  readonly target: ChangelogRestoreTarget;
}

/** What a StreamTask needs from its environment (the runtime, or the test driver). */
export interface TaskContextConfig {
  applicationId: string;
  /** The task's output, and also where its stores' changelog records go. */
  collector: RecordCollector;
  /** Real topic name for a topic name used in the topology (`topology.resolveTopic`). */
  resolveTopic(name: string): string;
  deserializationExceptionHandler: ExceptionHandlerSetting;
  processingExceptionHandler: ExceptionHandlerSetting;
  /** Wall-clock time in ms (the test driver controls it). */
  clock(): number;
  /** Base directory for persistent state stores. */
  stateDir?: string;
  /** Byte budget of the task's record cache, shared by its caching stores; 0 turns caching off. Default 10 MiB. */
  cacheMaxBytes?: number;
  /**
   * Restores a logged store from its changelog; `initialize()` calls it for every logged store,
   * after the stores are opened and before any processor's `init`. Absent: no restore (test driver).
   */
  restoreStore?(request: StoreRestoreRequest): Promise<void>;
  /** Global stores (`StreamsBuilder#globalTable`), which every processor may read. */
  globalStore?(name: string): StateStore | undefined;
}
