/**
 * The Consumer over a kafkajs consumer group: `eachBatch` with one partition's batch at a time,
 * the handler awaited before the next one (backpressure), no auto-commit (the runtime commits).
 * Rebalance callbacks are emulated: see rebalance.ts for what they guarantee. Partitions are dealt
 * out by task, co-partitioned and sticky (task-assignor.ts); `groupAssignment` tells where the
 * group's other partitions are. Commits are retried on passing coordinator errors (coordinator.ts).
 *
 * A batch is marked consumed in kafkajs (resolveOffset) only once the handler has taken it, so a
 * batch skipped because its partition is being revoked, was sought, or the consumer is closing is
 * fetched again by whoever owns the partition next.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EachBatchPayload, IMemberAssignment, Kafka, Consumer as KafkaJSConsumer } from 'kafkajs';
import { logger } from '../../logger.js';
import type {
  Consumer,
  ConsumerOptions,
  MemberAssignment,
  RecordBatch,
  TopicPartition,
  TopicPartitionOffset,
} from '../types.js';
import { consumerWithCluster, gateJoins } from './consumer-cluster.js';
import { retryCoordinatorRequests } from './coordinator.js';
import { RebalanceTracker } from './rebalance.js';
import { toConsumedRecords } from './records.js';
import { TaskAssignor } from './task-assignor.js';

const log = logger.child({ component: 'kafka-consumer' });

const DEFAULT_SESSION_TIMEOUT_MS = 30_000;
const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;
const DEFAULT_REBALANCE_TIMEOUT_MS = 60_000;
/** Bounds how long an idle fetch waits for data, and so how long `close` waits for it. */
const MAX_WAIT_MS = 250;
/** Group coordinator requests of a member that kafkajs does not retry properly (both idempotent). */
const RETRIED_COORDINATOR_REQUESTS = ['offsetCommit', 'offsetFetch'];

type State = 'created' | 'running' | 'failed' | 'closing' | 'closed';

interface Deferred {
  resolve(): void;
  reject(err: Error): void;
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** kafkajs' pause/resume shape: partitions grouped by topic. */
function byTopic(partitions: TopicPartition[]): { topic: string; partitions: number[] }[] {
  const grouped = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = grouped.get(topic);
    if (list) list.push(partition);
    else grouped.set(topic, [partition]);
  }
  return Array.from(grouped, ([topic, numbers]) => ({ topic, partitions: numbers }));
}

function toAssignment(memberAssignment: IMemberAssignment): TopicPartition[] {
  return Object.entries(memberAssignment).flatMap(([topic, partitions]) =>
    partitions.map((partition) => ({ topic, partition })),
  );
}

export class KafkaConsumer implements Consumer {
  private readonly consumer: KafkaJSConsumer;
  private readonly rebalance: RebalanceTracker;
  private readonly assignor: TaskAssignor;
  private readonly heartbeatIntervalMs: number;
  private readonly maxBatchRecords: number;
  private state: State = 'created';
  private joinedOnce = false;
  private firstJoin: Deferred | undefined;
  private handler: ((batch: RecordBatch) => Promise<void>) | undefined;
  private onError: ((err: Error) => void) | undefined;
  private batchInFlight: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  /** `onClose` runs when the consumer is closed (the broker stops tracking it). */
  constructor(
    kafka: Kafka,
    private readonly options: ConsumerOptions,
    private readonly onClose: () => void,
  ) {
    const sessionTimeout = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.heartbeatIntervalMs = Math.min(DEFAULT_HEARTBEAT_INTERVAL_MS, Math.floor(sessionTimeout / 3));
    this.maxBatchRecords = options.maxBatchRecords ?? Number.POSITIVE_INFINITY;
    this.assignor = new TaskAssignor(options.hostInfo, options.numStandbyReplicas);
    const config = {
      groupId: options.groupId,
      sessionTimeout,
      heartbeatInterval: this.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(DEFAULT_REBALANCE_TIMEOUT_MS, sessionTimeout),
      maxWaitTimeInMs: MAX_WAIT_MS,
      readUncommitted: options.isolationLevel !== 'read_committed',
      allowAutoTopicCreation: false,
      // kafkajs restarts a crashed consumer by leaving and rejoining the group, which loses the
      // partitions behind the runtime's back; that is only harmless before the first assignment.
      retry: { retries: 5, restartOnFailure: async () => !this.joinedOnce },
    };
    const { consumer, cluster } = consumerWithCluster(kafka, config, this.assignor.partitionAssigner);
    this.consumer = consumer;
    this.rebalance = new RebalanceTracker(options.rebalanceListener, (err) => this.fail(err));
    retryCoordinatorRequests(cluster, {
      retried: RETRIED_COORDINATOR_REQUESTS,
      onSyncGroup: (request, response) => this.assignor.synced(request.generationId, response.memberAssignment),
    });
    gateJoins(cluster, () => this.rebalance.revokeAll());
    const { GROUP_JOIN, CRASH } = consumer.events;
    consumer.on(GROUP_JOIN, ({ payload }) => this.onJoin(toAssignment(payload.memberAssignment)));
    consumer.on(CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(payload.error);
    });
  }

  async run(handler: (batch: RecordBatch) => Promise<void>, onError?: (err: Error) => void): Promise<void> {
    if (this.state !== 'created') throw new Error(`run() called on a consumer that is ${this.state}`);
    this.handler = handler;
    this.onError = onError;
    this.state = 'running';
    const joined = new Promise<void>((resolve, reject) => (this.firstJoin = { resolve, reject }));
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({
        topics: this.options.topics,
        fromBeginning: (this.options.autoOffsetReset ?? 'earliest') === 'earliest',
      });
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.onBatch(payload),
      });
      await joined;
    } catch (err) {
      this.firstJoin = undefined;
      this.state = 'failed';
      await this.consumer.disconnect().catch(() => undefined);
      throw err;
    }
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    if (this.state !== 'running' && this.state !== 'closing') throw new Error(`cannot commit: the consumer is ${this.state}`);
    await this.consumer.commitOffsets(
      offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })),
    );
  }

  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    this.consumer.seek({ topic, partition, offset: String(offset) });
  }

  pause(partitions: TopicPartition[]): void {
    if (partitions.length > 0) this.consumer.pause(byTopic(partitions));
  }

  resume(partitions: TopicPartition[]): void {
    if (partitions.length > 0) this.consumer.resume(byTopic(partitions));
  }

  assignment(): TopicPartition[] {
    return this.rebalance.assignment();
  }

  groupAssignment(): MemberAssignment[] {
    return this.assignor.groupAssignment();
  }

  standbyAssignment(): TopicPartition[] {
    return this.assignor.standbyAssignment();
  }

  /** Lets the in-flight batch finish, revokes everything (the last chance to commit), leaves the group. */
  close(): Promise<void> {
    this.onClose();
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const healthy = this.state === 'running' && this.joinedOnce;
    this.state = 'closing';
    this.firstJoin?.reject(new Error('consumer closed before joining its group'));
    this.firstJoin = undefined;
    if (healthy) {
      // Nothing more is handed over; pausing keeps kafkajs from re-fetching what gets skipped.
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
      await this.batchInFlight;
      await this.rebalance.revokeAll();
    }
    this.state = 'closed';
    await this.consumer.disconnect();
  }

  private onJoin(assignment: TopicPartition[]): void {
    this.joinedOnce = true;
    // A closing or failed member is about to leave: it takes on no partitions.
    if (this.state !== 'running') return;
    // kafkajs keeps pauses across rebalances; a fresh assignment starts unpaused, as in Java's client.
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
    this.rebalance.joined(assignment);
    const first = this.firstJoin;
    if (!first) return;
    void this.rebalance.settled().then(() => {
      if (this.firstJoin !== first) return;
      this.firstJoin = undefined;
      first.resolve();
    });
  }

  private onBatch(payload: EachBatchPayload): Promise<void> {
    const handing = this.handOver(payload);
    this.batchInFlight = handing.catch(() => undefined);
    return handing;
  }

  private async handOver(payload: EachBatchPayload): Promise<void> {
    if (this.rebalance.busy) await this.awaitCallbacks(payload);
    const { topic, partition, messages } = payload.batch;
    const highWatermark = Number(payload.batch.highWatermark);
    for (let start = 0; start < messages.length; start += this.maxBatchRecords) {
      if (!this.mayHandOver(payload)) return;
      const end = Math.min(start + this.maxBatchRecords, messages.length);
      const chunk = start === 0 && end === messages.length ? messages : messages.slice(start, end);
      try {
        await this.handler!({ topic, partition, records: toConsumedRecords(topic, partition, chunk), highWatermark });
      } catch (err) {
        this.fail(toError(err));
        return;
      }
      payload.resolveOffset(messages[end - 1].offset);
    }
  }

  private mayHandOver(payload: EachBatchPayload): boolean {
    return (
      this.state === 'running' &&
      payload.isRunning() &&
      !payload.isStale() &&
      this.rebalance.owns(payload.batch.topic, payload.batch.partition)
    );
  }

  /**
   * kafkajs heartbeats only between batches, so while the assignment callback runs (a state
   * restore may take long) this batch keeps the session alive. A heartbeat answered "rebalance in
   * progress" throws: kafkajs then rejoins, revoking first.
   */
  private async awaitCallbacks(payload: EachBatchPayload): Promise<void> {
    while (this.rebalance.busy) {
      const settled = await Promise.race([
        this.rebalance.settled().then(() => true),
        sleep(this.heartbeatIntervalMs, false, { ref: false }),
      ]);
      if (!settled) await payload.heartbeat();
    }
  }

  /** Stops the consumer after a handler, callback or kafkajs failure, and reports it once. */
  private fail(err: Error): void {
    if (this.state === 'failed' || this.state === 'closed' || this.state === 'created') return;
    this.state = 'failed';
    const first = this.firstJoin;
    this.firstJoin = undefined;
    if (first) first.reject(err);
    else if (this.onError) this.onError(err);
    else log.error({ err, groupId: this.options.groupId }, 'consumer failed');
    // Leaves the group so other members take over. Not awaited: kafkajs' stop waits for the
    // batch that may be the one calling this.
    this.consumer.stop().catch((stopErr: unknown) => log.warn({ err: stopErr }, 'stopping a failed consumer failed'));
  }
}
