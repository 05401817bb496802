/**
 * The processing loop of one application instance (Node runs it on one thread, like one Kafka
 * Streams StreamThread): fetch a batch, hand it to its task, process it synchronously, send the
 * output in a batch, and commit every `commitIntervalMs`.
 *
 * Every step that touches tasks (a batch, a wall-clock tick, a commit, a rebalance) runs through
 * one serial queue, so a punctuator never interleaves with a commit and a revoked task is
 * committed before anything else sees its partitions.
 *
 * Commit (at-least-once): snapshot the input offsets processed so far, flush stores, wait until
 * every output record is acknowledged, then commit the snapshot. A crash before the commit replays
 * from the last commit: nothing lost, possibly duplicated.
 * Commit (exactly-once v2): the same records and the input offsets go into one transaction per
 * commit interval on one transactional producer; consumers read committed data only.
 *
 * Standby tasks (`numStandbyReplicas` > 0) follow the standby assignment of each rebalance and
 * catch up with their changelogs every commit interval, off the serial queue: reading a changelog
 * takes a broker round trip or more, which processing does not wait for.
 */
import type { Broker, Consumer, MemberAssignment, Producer, RecordBatch, TopicPartition } from '../broker/types.js';
import type { Logger } from '../logger.js';
import type { StreamTask } from '../processor/stream-task.js';
import type { ResolvedStreamsConfig } from './config.js';
import type { BrokerRecordCollector } from './record-collector.js';
import type { TaskManager } from './task-manager.js';

/** Buffered output records above which processing waits for the producer. */
const MAX_PENDING_OUTPUT = 100_000;

export interface StreamThreadEvents {
  onRebalanceStart(): void;
  onRebalanceEnd(): void;
  onFatalError(err: Error): void;
}

export class StreamThread {
  private consumer: Consumer | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private lastCommitAt = Date.now();
  private transactionOpen = false;
  private ticker: NodeJS.Timeout | undefined;
  private standbyTicker: NodeJS.Timeout | undefined;
  private standbyCatchingUp = false;
  private stopped = false;
  /** Records processed since start, for logs and tests. */
  processedRecords = 0;
  /** Per `topic:partition`: records behind the end when its last batch was fetched. */
  readonly lag = new Map<string, number>();
  private lastStatusAt = Date.now();
  private processedAtLastStatus = 0;

  constructor(
    private readonly broker: Broker,
    private readonly producer: Producer,
    private readonly collector: BrokerRecordCollector,
    private readonly tasks: TaskManager,
    private readonly sourceTopics: string[],
    private readonly config: ResolvedStreamsConfig,
    private readonly events: StreamThreadEvents,
    private readonly log: Logger,
  ) {}

  private get exactlyOnce(): boolean {
    return this.config.processingGuarantee === 'exactly_once_v2';
  }

  async start(): Promise<void> {
    this.events.onRebalanceStart();
    this.consumer = this.broker.consumer({
      groupId: this.config.applicationId,
      topics: this.sourceTopics,
      isolationLevel: this.exactlyOnce ? 'read_committed' : 'read_uncommitted',
      autoOffsetReset: 'earliest',
      maxBatchRecords: this.config.maxBatchRecords,
      sessionTimeoutMs: this.config.sessionTimeoutMs,
      hostInfo: this.config.applicationServer,
      numStandbyReplicas: this.config.numStandbyReplicas,
      rebalanceListener: {
        onPartitionsRevoked: (partitions) => this.serially(() => this.revoke(partitions)),
        onPartitionsAssigned: (partitions) => this.serially(() => this.assign(partitions)),
      },
    });
    await this.consumer.run(
      (batch) => this.serially(() => this.handleBatch(batch)),
      (err) => this.events.onFatalError(err),
    );
    this.ticker = setInterval(() => {
      this.serially(() => this.tick()).catch((err: Error) => this.events.onFatalError(err));
    }, this.config.wallClockTickMs);
    this.ticker.unref();
    if (this.config.numStandbyReplicas > 0) {
      this.standbyTicker = setInterval(() => this.catchUpStandbys(), this.config.commitIntervalMs);
      this.standbyTicker.unref();
    }
  }

  /** Best effort: a standby that fails to read now is behind, and tries again next interval. */
  private catchUpStandbys(): void {
    if (this.stopped || this.standbyCatchingUp) return;
    this.standbyCatchingUp = true;
    this.tasks
      .catchUpStandbys()
      .catch((err: Error) => this.log.warn({ err }, 'standby tasks could not catch up with their changelogs'))
      .finally(() => (this.standbyCatchingUp = false));
  }

  /** Every group member's partitions and host info, as of the last rebalance (empty if the adapter cannot tell). */
  groupAssignment(): MemberAssignment[] {
    return this.consumer?.groupAssignment?.() ?? [];
  }

  /** Partitions assigned to this instance. */
  assignment(): TopicPartition[] {
    return this.consumer?.assignment() ?? [];
  }

  /** Commits what was processed, closes every task and leaves the group. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.standbyTicker) clearInterval(this.standbyTicker);
    await this.serially(async () => {
      const all = this.tasks.all();
      await this.commit(all);
      await this.tasks.close(all, true);
    });
    await this.consumer?.close();
    await this.tasks.closeStandbys();
  }

  /** Closes without committing (after a fatal error): uncommitted work is replayed by whoever takes over. */
  async abandon(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.standbyTicker) clearInterval(this.standbyTicker);
    if (this.transactionOpen) await this.producer.abortTransaction().catch(() => undefined);
    this.collector.discard();
    await this.consumer?.close().catch(() => undefined);
    await this.tasks.close(this.tasks.all(), false).catch(() => undefined);
    // A standby's checkpoint holds however far it read, whatever failed elsewhere.
    await this.tasks.closeStandbys().catch(() => undefined);
  }

  private serially<T>(step: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async ensureTransaction(): Promise<void> {
    if (this.exactlyOnce && !this.transactionOpen) {
      await this.producer.beginTransaction();
      this.transactionOpen = true;
    }
  }

  private async handleBatch(batch: RecordBatch): Promise<void> {
    if (this.stopped) return;
    const task = this.tasks.taskFor(batch.topic, batch.partition);
    if (!task) {
      this.log.warn({ topic: batch.topic, partition: batch.partition }, 'batch for a partition with no task; skipped');
      return;
    }
    await this.ensureTransaction();
    const last = batch.records[batch.records.length - 1];
    if (last) this.lag.set(`${batch.topic}:${batch.partition}`, Math.max(0, batch.highWatermark - last.offset - 1));
    task.addRecords(batch.records);
    this.processedRecords += task.process();
    this.collector.sendBuffered();
    if (Date.now() - this.lastCommitAt >= this.config.commitIntervalMs) await this.commit(this.tasks.all());
    // Backpressure: output that the broker takes slower than we produce it must not pile up in memory.
    else if (this.collector.pending > MAX_PENDING_OUTPUT) await this.collector.flush();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const all = this.tasks.all();
    if (all.length > 0) {
      await this.ensureTransaction();
      for (const task of all) task.punctuateWallClock(now);
      this.collector.sendBuffered();
    }
    if (now - this.lastCommitAt >= this.config.commitIntervalMs) await this.commit(all);
    if (now - this.lastStatusAt >= this.config.statusLogIntervalMs) this.logStatus(now);
  }

  /** Health in the logs: throughput since the last status line, and consumer lag. */
  private logStatus(now: number): void {
    const seconds = (now - this.lastStatusAt) / 1000;
    const processed = this.processedRecords - this.processedAtLastStatus;
    let totalLag = 0;
    let maxLag = 0;
    let maxLagPartition: string | undefined;
    for (const [partition, lag] of this.lag) {
      totalLag += lag;
      if (lag > maxLag) [maxLag, maxLagPartition] = [lag, partition];
    }
    this.log.info(
      {
        tasks: this.tasks.size,
        processed,
        recordsPerSecond: Math.round(processed / seconds),
        totalLag,
        ...(maxLagPartition ? { maxLag, maxLagPartition } : {}),
        droppedOutputRecords: this.collector.droppedRecords,
      },
      'status',
    );
    this.lastStatusAt = now;
    this.processedAtLastStatus = this.processedRecords;
  }

  private async commit(tasks: StreamTask[]): Promise<void> {
    this.lastCommitAt = Date.now();
    const offsets = this.tasks.offsetsToCommit(tasks);
    for (const task of tasks) await task.flush();
    this.collector.sendBuffered();
    if (this.exactlyOnce) {
      if (!this.transactionOpen) return;
      await this.collector.flush();
      if (offsets.length > 0) await this.producer.sendOffsets(this.config.applicationId, offsets);
      await this.producer.commitTransaction();
      this.transactionOpen = false;
    } else {
      await this.collector.flush();
      if (offsets.length > 0) await this.consumer!.commit(offsets);
    }
    for (const task of tasks) task.markCommitted();
    await this.tasks.checkpoint(tasks);
    if (offsets.length > 0) this.log.debug({ partitions: offsets.length }, 'committed');
  }

  private async revoke(partitions: TopicPartition[]): Promise<void> {
    this.events.onRebalanceStart();
    const losing = this.tasks.tasksLosing(partitions);
    if (losing.length === 0) return;
    // Commit everything open, not just the losing tasks: under exactly-once the transaction spans all tasks.
    await this.commit(this.tasks.all());
    await this.tasks.close(losing, true);
    for (const { topic, partition } of partitions) this.lag.delete(`${topic}:${partition}`);
    this.log.info({ tasks: losing.map((t) => t.id) }, 'tasks revoked');
  }

  private async assign(partitions: TopicPartition[]): Promise<void> {
    this.events.onRebalanceStart();
    const created = await this.tasks.assign(partitions);
    if (created.length) this.log.info({ tasks: created.map((t) => t.id) }, 'tasks assigned');
    // Not awaited: a new standby's first restore may be long, and the active tasks need not wait for it.
    const standby = this.consumer?.standbyAssignment?.() ?? [];
    this.tasks
      .assignStandbys(standby)
      .then(() => {
        if (standby.length > 0) this.log.info({ standbyTasks: this.tasks.standbyIds() }, 'standby tasks assigned');
      })
      .catch((err: Error) => this.log.warn({ err }, 'standby tasks could not be opened'));
    this.events.onRebalanceEnd();
  }
}
