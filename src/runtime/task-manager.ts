/**
 * Owns the tasks of this instance: one per (sub-topology, partition) whose input partitions the
 * group assigned here. Creates and initializes tasks on assignment, closes them on revocation,
 * and routes each fetched batch to the task that consumes its partition.
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

export type TaskFactory = (subtopologyId: number, partition: number) => StreamTask;

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class TaskManager {
  private readonly tasks = new Map<string, StreamTask>();
  private readonly byPartition = new Map<string, StreamTask>();
  private readonly subtopologyOfTopic = new Map<string, number>();
  private readonly statefulSubtopologies = new Set<number>();
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
      if (stateful.has(task)) await this.stateManager.open(task.id);
      await task.initialize();
    }
    return created;
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
