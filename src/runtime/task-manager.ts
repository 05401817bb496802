/**
 * Owns the tasks of this instance: one per (sub-topology, partition) whose input partitions the
 * group assigned here. Creates and initializes tasks on assignment, closes them on revocation,
 * and routes each fetched batch to the task that consumes its partition.
 *
 * Also owns the standby tasks (`numStandbyReplicas`): warm copies of stateful tasks active
 * elsewhere, whose stores only follow their changelogs. A standby whose task becomes active here
 * is closed (checkpointed) just before the active task opens the same directory, so that the
 * active task restores only what the standby had not read yet. Standby work (opening, catching
 * up, closing) runs one step at a time on its own queue: catching up reads the broker and must
 * not hold up processing, but must never overlap a standby being closed or promoted.
 */
import type { TopicPartition, TopicPartitionOffset } from '../broker/types.js';
import type { StreamTask } from '../processor/stream-task.js';
import type { TaskStateManager } from './task-state-manager.js';

export interface SubtopologySources {
  id: number;
  /** Resolved source topic names (internal ones prefixed with the application id). */
  sourceTopics: string[];
  /** Whether its tasks have state stores (and so a locked directory of their own). */
  stateful: boolean;
}

/** A standby task is a StreamTask that is initialized (its stores opened and restored) and never given records. */
export type TaskFactory = (subtopologyId: number, partition: number) => StreamTask;

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class TaskManager {
  private readonly tasks = new Map<string, StreamTask>();
  private readonly byPartition = new Map<string, StreamTask>();
  private readonly subtopologyOfTopic = new Map<string, number>();
  private readonly statefulSubtopologies = new Set<number>();
  private readonly standbys = new Map<string, StreamTask>();
  private standbyQueue: Promise<unknown> = Promise.resolve();
  /** `assignStandbys` calls not finished yet. */
  private standbysOpening = 0;
  /** Dropped-record counts of tasks already closed here. */
  private droppedByClosedTasks = 0;

  constructor(
    subtopologies: SubtopologySources[],
    private readonly createTask: TaskFactory,
    private readonly stateManager: TaskStateManager,
  ) {
    for (const sub of subtopologies) {
      for (const topic of sub.sourceTopics) this.subtopologyOfTopic.set(topic, sub.id);
      if (sub.stateful) this.statefulSubtopologies.add(sub.id);
    }
  }

  all(): StreamTask[] {
    return [...this.tasks.values()];
  }

  get size(): number {
    return this.tasks.size;
  }

  /** The task consuming this partition, if it is assigned here. */
  taskFor(topic: string, partition: number): StreamTask | undefined {
    return this.byPartition.get(tpKey(topic, partition));
  }

  /** Creates and initializes (restores) tasks for newly assigned partitions. */
  async assign(partitions: TopicPartition[]): Promise<StreamTask[]> {
    const created: StreamTask[] = [];
    const stateful = new Set<StreamTask>();
    for (const { topic, partition } of partitions) {
      const subId = this.subtopologyOfTopic.get(topic);
      if (subId === undefined) continue;
      const id = `${subId}_${partition}`;
      let task = this.tasks.get(id);
      if (!task) {
        task = this.createTask(subId, partition);
        this.tasks.set(id, task);
        created.push(task);
        if (this.statefulSubtopologies.has(subId)) stateful.add(task);
      }
      this.byPartition.set(tpKey(topic, partition), task);
    }
    for (const task of created) {
      if (stateful.has(task)) {
        // Behind standby work in flight, which may be opening this very task as a standby.
        if (this.standbys.has(task.id) || this.standbysOpening > 0) await this.standbyStep(() => this.closeStandby(task.id));
        await this.stateManager.open(task.id);
      }
      await task.initialize();
    }
    return created;
  }

  /** Ids of the standby tasks open here. */
  standbyIds(): string[] {
    return [...this.standbys.keys()];
  }

  /**
   * Makes the standby tasks those of the stateful sub-topologies reading `partitions` (the
   * standby assignment), except tasks active here: closes the others, opens (restores) new ones.
   */
  assignStandbys(partitions: TopicPartition[]): Promise<void> {
    const wanted = new Map<string, { subId: number; partition: number }>();
    for (const { topic, partition } of partitions) {
      const subId = this.subtopologyOfTopic.get(topic);
      if (subId === undefined || !this.statefulSubtopologies.has(subId)) continue;
      const id = `${subId}_${partition}`;
      if (!this.tasks.has(id)) wanted.set(id, { subId, partition });
    }
    this.standbysOpening++;
    return this.standbyStep(async () => {
      for (const id of this.standbys.keys()) if (!wanted.has(id)) await this.closeStandby(id);
      for (const [id, { subId, partition }] of wanted) {
        if (this.standbys.has(id) || this.tasks.has(id)) continue;
        const task = this.createTask(subId, partition);
        await this.stateManager.open(id, true);
        try {
          await task.initialize();
        } catch (err) {
          await task.close().catch(() => undefined);
          await this.stateManager.close(id, false);
          throw err;
        }
        this.standbys.set(id, task);
      }
    }).finally(() => this.standbysOpening--);
  }

  /** Brings every standby task's stores up to their changelogs' current end. */
  catchUpStandbys(): Promise<void> {
    return this.standbyStep(async () => {
      for (const id of this.standbys.keys()) await this.stateManager.catchUp(id);
    });
  }

  /** Closes every standby task, checkpointing it. */
  closeStandbys(): Promise<void> {
    return this.standbyStep(async () => {
      for (const id of [...this.standbys.keys()]) await this.closeStandby(id);
    });
  }

  private standbyStep<T>(step: () => Promise<T>): Promise<T> {
    const next = this.standbyQueue.then(step);
    this.standbyQueue = next.catch(() => undefined);
    return next;
  }

  private async closeStandby(id: string): Promise<void> {
    const task = this.standbys.get(id);
    if (!task) return;
    this.standbys.delete(id);
    try {
      await task.close();
    } finally {
      await this.stateManager.close(id, true);
    }
  }

  /** Tasks that lose at least one input partition: they must be committed, then `close`d. */
  tasksLosing(partitions: TopicPartition[]): StreamTask[] {
    const losing = new Set<StreamTask>();
    for (const { topic, partition } of partitions) {
      const task = this.byPartition.get(tpKey(topic, partition));
      if (task) losing.add(task);
    }
    return [...losing];
  }

  /** Closes tasks; `clean` after their final commit (then their checkpoints are written). */
  async close(tasks: StreamTask[], clean: boolean): Promise<void> {
    for (const task of tasks) {
      this.droppedByClosedTasks += task.droppedRecordsTotal();
      try {
        await task.close();
      } finally {
        await this.stateManager.close(task.id, clean);
      }
      this.tasks.delete(task.id);
      for (const tp of task.inputPartitions) this.byPartition.delete(tpKey(tp.topic, tp.partition));
    }
  }

  /** Records processors dropped on purpose (e.g. later than their window's grace), over every task this instance ran. */
  droppedRecordsTotal(): number {
    return this.all().reduce((sum, task) => sum + task.droppedRecordsTotal(), this.droppedByClosedTasks);
  }

  /** Records where the stores stand after a successful commit. */
  checkpoint(tasks: StreamTask[]): Promise<void> {
    return this.stateManager.checkpoint(tasks);
  }

  offsetsToCommit(tasks: StreamTask[] = this.all()): TopicPartitionOffset[] {
    return tasks.flatMap((task) => task.offsetsToCommit());
  }
}
