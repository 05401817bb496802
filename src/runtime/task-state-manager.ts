/**
 * The local side of a task's state: its locked directory `<stateDir>/<appId>/<taskId>/`, restoring
 * its logged stores from their changelogs before it processes anything, and its checkpoint file
 * (changelog offsets the local stores correspond to), so a restart replays only the delta.
 *
 * At-least-once writes the checkpoint after every commit. Exactly-once writes it only on a clean
 * close and deletes it once the task starts processing: after a crash, local stores may hold
 * writes of an aborted transaction, so they must be wiped and restored from the changelog.
 *
 * A standby task (a warm copy of a task active elsewhere) uses the same directory, lock and
 * checkpoint, so that its task becoming active here finds its state in place. It restores like an
 * active task, then keeps reading its changelogs (`catchUp`), and its checkpoint records how far it
 * has read, under either guarantee: it only ever holds what the changelog holds (read_committed
 * under exactly-once), never writes of its own.
 */
import type { Broker } from '../broker/types.js';
import type { Logger } from '../logger.js';
import type { StoreRestoreRequest } from '../processor/task-context-config.js';
import type { StreamTask } from '../processor/stream-task.js';
import { ChangelogRestorer, isRestorable, type RestorableStore, type RestoreListener } from '../state/changelog-restorer.js';
import { CheckpointFile, checkpointKey } from '../state/checkpoint-file.js';
import { StateDirectory, type TaskDirectoryLock } from '../state/state-directory.js';

interface TaskStateEntry {
  lock: TaskDirectoryLock;
  checkpoint: CheckpointFile;
  standby: boolean;
  /** Checkpoint offsets read at open, consumed by restore. */
  restoredFrom: Map<string, number>;
  /** Changelog partitions of the task's logged persistent stores; `position`: a standby's next offset to read. */
  changelogs: Array<{ topic: string; partition: number; store: RestorableStore; position: number }>;
}

export interface TaskStateManagerOptions {
  broker: Broker;
  stateDir: string;
  applicationId: string;
  exactlyOnce: boolean;
  restoreListener?: RestoreListener;
  log: Logger;
}

export class TaskStateManager {
  private readonly directory: StateDirectory;
  private readonly restorer: ChangelogRestorer;
  /** For standbys: no restore listener (it is told about restores that hold a task up), quiet logs (it runs every commit interval). */
  private readonly standbyRestorer: ChangelogRestorer;
  private readonly entries = new Map<string, TaskStateEntry>();
  /** Records restored since start into active tasks' stores, over all stores (for logs and tests). */
  restoredRecords = 0;
  /** Changelog records applied to standby tasks' stores since start. */
  standbyRecords = 0;

  constructor(private readonly options: TaskStateManagerOptions) {
    this.directory = new StateDirectory(options.stateDir, options.applicationId);
    this.restorer = new ChangelogRestorer(options.broker, {
      listener: options.restoreListener,
      logger: options.log,
      isolationLevel: options.exactlyOnce ? 'read_committed' : 'read_uncommitted',
    });
    this.standbyRestorer = new ChangelogRestorer(options.broker, {
      logger: options.log.child({ component: 'standby' }, { level: 'warn' }),
      isolationLevel: options.exactlyOnce ? 'read_committed' : 'read_uncommitted',
    });
  }

  taskDir(taskId: string): string {
    return this.directory.taskDir(taskId);
  }

  /** Locks the task's directory and reads its checkpoint; call before `task.initialize()`. */
  async open(taskId: string, standby = false): Promise<void> {
    const lock = await this.directory.lockTask(taskId);
    const checkpoint = new CheckpointFile(lock.dir, this.options.log);
    const restoredFrom = await checkpoint.read();
    // Under exactly-once an active task's checkpoint is only trusted once: processing may now run ahead of it.
    if (this.options.exactlyOnce && !standby) await checkpoint.delete();
    this.entries.set(taskId, { lock, checkpoint, standby, restoredFrom, changelogs: [] });
  }

  /**
   * The `restoreStore` hook of a task's config. A standby restores only persistent stores: an
   * in-memory one is restored in full whenever its task becomes active anyway.
   */
  async restore(task: StreamTask, request: StoreRestoreRequest): Promise<void> {
    const entry = this.entries.get(request.taskId);
    const store = task.stateStore(request.storeName);
    if (!entry || !store || !isRestorable(store)) {
      throw new Error(`cannot restore store ${request.storeName} of task ${request.taskId}: task state not opened`);
    }
    if (entry.standby && !store.persistent) return;
    const key = checkpointKey(request.changelogTopic, request.partition);
    const result = await (entry.standby ? this.standbyRestorer : this.restorer).restore({
      store,
      topic: request.changelogTopic,
      partition: request.partition,
      checkpoint: entry.restoredFrom.get(key),
    });
    if (entry.standby) this.standbyRecords += result.restored;
    else this.restoredRecords += result.restored;
    if (store.persistent) {
      entry.changelogs.push({ topic: request.changelogTopic, partition: request.partition, store, position: result.endOffset });
    }
  }

  /** A standby task: applies what its changelogs got since the last read, then checkpoints. */
  async catchUp(taskId: string): Promise<void> {
    const entry = this.entries.get(taskId);
    if (!entry?.standby) return;
    for (const changelog of entry.changelogs) {
      // The restorer reads from `position` to the current end, or wipes and starts over when the
      // changelog no longer has `position` (recreated or truncated).
      const result = await this.standbyRestorer.restore({ ...changelog, checkpoint: changelog.position });
      this.standbyRecords += result.restored;
      changelog.position = result.endOffset;
    }
    await this.writeCheckpoint(taskId);
  }

  /** After a successful commit (at-least-once): records where the stores now stand. */
  async checkpoint(tasks: StreamTask[]): Promise<void> {
    if (this.options.exactlyOnce) return;
    for (const task of tasks) await this.writeCheckpoint(task.id);
  }

  /** After the task's final commit and close: checkpoint (on a clean close) and unlock. */
  async close(taskId: string, clean: boolean): Promise<void> {
    const entry = this.entries.get(taskId);
    if (!entry) return;
    try {
      if (clean) await this.writeCheckpoint(taskId);
    } finally {
      this.entries.delete(taskId);
      await entry.lock.release();
    }
  }

  private async writeCheckpoint(taskId: string): Promise<void> {
    const entry = this.entries.get(taskId);
    if (!entry || entry.changelogs.length === 0) return;
    const offsets = new Map<string, number>();
    if (entry.standby) {
      for (const { topic, partition, position } of entry.changelogs) offsets.set(checkpointKey(topic, partition), position);
      await entry.checkpoint.write(offsets);
      return;
    }
    const endByTopic = new Map<string, number[]>();
    for (const { topic, partition } of entry.changelogs) {
      let ends = endByTopic.get(topic);
      if (!ends) {
        ends = await this.options.broker.endOffsets(topic);
        endByTopic.set(topic, ends);
      }
      // Every write this task made is acknowledged by now, and only this task writes this changelog partition.
      offsets.set(checkpointKey(topic, partition), ends[partition]);
    }
    await entry.checkpoint.write(offsets);
  }
}
