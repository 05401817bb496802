/**
 * The contract between tasks and state stores. A task builds its stores from `StoreBuilder`s, opens
 * them (async: a persistent store opens files) before any processor's `init`, flushes them before
 * each commit and closes them with the task. What a store holds and how it is read (key-value,
 * windowed, ...) is the store's own interface; processors get it with `context.getStateStore(name)`.
 */

/** What a store learns about the task that owns it when it is opened. */
export interface StateStoreContext {
  readonly applicationId: string;
  /** `<subtopologyId>_<partition>`. */
  readonly taskId: string;
  /** The input partition number of the task (also the store's changelog partition). */
  readonly partition: number;
  /** Base directory for persistent stores; absent when the app keeps no local state on disk. */
  readonly stateDir?: string;
}

export interface StateStore {
  readonly name: string;
  /** True when the store keeps its data on disk (survives a restart without a changelog replay). */
  readonly persistent: boolean;
  init(context: StateStoreContext): Promise<void>;
  /** Makes everything written so far durable (and forwards cached records); called before a commit. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Makes one store instance per task: stores, like processors, are never shared between tasks. */
export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  /** When true, the store's writes are backed up to the compacted topic `<appId>-<name>-changelog`. */
  readonly loggingEnabled: boolean;
  /** Topic configs for the changelog; `cleanup.policy=compact` when absent. */
  readonly changelogConfig?: Readonly<Record<string, string>>;
  build(): S;
}
