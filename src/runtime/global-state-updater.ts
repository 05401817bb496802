/**
 * Keeps global stores (GlobalKTables, `Topology.addGlobalStore`) filled: every instance reads
 * every partition of their topics, bootstraps from the beginning to the end offsets before any
 * task starts, then keeps reading as new records arrive. Each global store runs in a task of its
 * own (the same StreamTask as everywhere, so serdes and its updating processor behave the same).
 *
 * The topic is the store's changelog: global stores never log, and a restart re-reads the topic
 * from the beginning into a wiped store, so deleted keys cannot linger.
 */
import type { Broker, Consumer, RecordBatch } from '../broker/types.js';
import type { Logger } from '../logger.js';
import { StreamTask } from '../processor/stream-task.js';
import type { TaskContextConfig } from '../processor/task-context-config.js';
import { isRestorable } from '../state/changelog-restorer.js';
import type { StateStore } from '../state/types.js';
import type { Topology } from '../topology/topology.js';

export class GlobalStateUpdater {
  private readonly tasks: StreamTask[] = [];
  private readonly taskByTopic = new Map<string, StreamTask>();
  private consumer: Consumer | undefined;
  /** Next offset to read, per `topic:partition`. */
  private readonly positions = new Map<string, number>();

  constructor(
    private readonly broker: Broker,
    private readonly topology: Topology,
    private readonly groupId: string,
    private readonly taskConfig: (taskId: string) => TaskContextConfig,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.topology.globalSubtopologies().length > 0;
  }

  store(name: string): StateStore | undefined {
    for (const task of this.tasks) {
      const store = task.stateStore(name);
      if (store) return store;
    }
    return undefined;
  }

  /** Opens the global stores and reads their topics up to the current end; resolves when bootstrapped. */
  async start(timeoutMs: number): Promise<void> {
    for (const sub of this.topology.globalSubtopologies()) {
      const task = new StreamTask(sub, 0, this.taskConfig(`global_${sub.id}`));
      await task.initialize();
      for (const builder of sub.stores) {
        const store = task.stateStore(builder.name);
        if (store && isRestorable(store)) await store.restoreTarget().wipe();
      }
      this.tasks.push(task);
      for (const topic of sub.sourceTopics) this.taskByTopic.set(topic, task);
    }
    const topics = [...this.taskByTopic.keys()];
    const ends = new Map<string, number>();
    for (const topic of topics) {
      (await this.broker.endOffsets(topic)).forEach((end, partition) => ends.set(`${topic}:${partition}`, end));
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`global stores did not catch up with [${topics.join(', ')}] within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const resolveIfCaughtUp = () => {
        for (const [key, end] of ends) if ((this.positions.get(key) ?? 0) < end) return;
        clearTimeout(timer);
        resolve();
      };
      this.consumer = this.broker.consumer({ groupId: this.groupId, topics, autoOffsetReset: 'earliest' });
      this.consumer
        .run(
          async (batch) => {
            this.apply(batch);
            resolveIfCaughtUp();
          },
          (err) => {
            this.log.error({ err }, 'global store updates stopped');
            clearTimeout(timer);
            reject(err);
          },
        )
        .then(resolveIfCaughtUp, reject);
    });
    this.log.info({ topics }, 'global stores bootstrapped');
  }

  private apply(batch: RecordBatch): void {
    const task = this.taskByTopic.get(batch.topic);
    if (!task || batch.records.length === 0) return;
    task.addRecords(batch.records);
    task.process();
    // Global stores have no changelog and forward nothing: make the updates visible now.
    void task.flush();
    this.positions.set(`${batch.topic}:${batch.partition}`, batch.records[batch.records.length - 1].offset + 1);
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
    for (const task of this.tasks) await task.close();
  }
}
