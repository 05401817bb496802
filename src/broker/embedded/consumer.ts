/**
 * A consumer-group member on the embedded broker.
 *
 * One delivery loop hands batches to the handler, round-robin over the assigned partitions that
 * have records and are not paused, and sleeps on a Signal (woken by appends, assignments, seeks,
 * resumes and close) when there is nothing to deliver. Handler calls and rebalance callbacks run
 * under one mutex, so they never overlap, as in a Kafka `poll()` loop.
 *
 * A handler or listener error stops the consumer: it is reported to `onError`, and the consumer's
 * partitions are released without `onPartitionsRevoked` (lost, as after a crash) for the group to
 * hand on. Records are shared with other readers of the log and must be treated as read-only.
 */
import type {
  Consumer,
  ConsumerOptions,
  MemberAssignment,
  RebalanceListener,
  RecordBatch,
  TopicPartition,
  TopicPartitionOffset,
} from '../types.js';
import { logger } from '../../logger.js';
import type { EmbeddedCluster } from './cluster.js';
import type { GroupMember } from './group-coordinator.js';
import { Mutex } from './mutex.js';
import type { PartitionLog } from './partition-log.js';
import { Signal } from './signal.js';

const log = logger.child({ component: 'embedded-consumer' });

const DEFAULT_MAX_BATCH_RECORDS = 10_000;

type Handler = (batch: RecordBatch) => Promise<void>;

interface OwnedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly log: PartitionLog;
  /** Offset of the next entry to deliver. */
  position: number;
  paused: boolean;
}

function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

let membersCreated = 0;

export class EmbeddedConsumer implements Consumer, GroupMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  readonly hostInfo: string | undefined;
  private readonly groupId: string;
  private readonly autoOffsetReset: 'earliest' | 'latest';
  private readonly maxBatchRecords: number;
  private readonly listener: RebalanceListener | undefined;

  private state: 'created' | 'running' | 'failed' | 'closed' = 'created';
  private cluster: EmbeddedCluster | undefined;
  private onError: (err: Error) => void = () => undefined;
  private readonly owned = new Map<string, OwnedPartition>();
  /** `owned` as an array, for round-robin delivery without allocating per batch. */
  private ownedList: OwnedPartition[] = [];
  private nextIndex = 0;
  /** The group's assignment as of the last rebalance round that reached this member. */
  private group: readonly MemberAssignment[] = [];
  private readonly wake = new Signal();
  private readonly exclusive = new Mutex();
  private delivering: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  /** `connectCluster` throws when the broker is not connected. */
  constructor(
    private readonly connectCluster: () => EmbeddedCluster,
    options: ConsumerOptions,
    private readonly onClosed: (consumer: EmbeddedConsumer) => void,
  ) {
    this.groupId = options.groupId;
    this.topics = [...options.topics];
    this.hostInfo = options.hostInfo;
    this.autoOffsetReset = options.autoOffsetReset ?? 'earliest';
    this.maxBatchRecords = options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS;
    if (!Number.isInteger(this.maxBatchRecords) || this.maxBatchRecords < 1) {
      throw new Error(`maxBatchRecords must be a positive integer, got ${options.maxBatchRecords}`);
    }
    this.listener = options.rebalanceListener;
    // The embedded log appends transactional records only when their transaction commits, so both
    // isolation levels read the same: committed data only.
    this.memberId = `${options.groupId}-member-${++membersCreated}`;
  }

  async run(handler: Handler, onError?: (err: Error) => void): Promise<void> {
    if (this.state !== 'created') throw new Error(`run() can be called once per consumer (group '${this.groupId}')`);
    const cluster = this.connectCluster();
    for (const topic of this.topics) cluster.topics.logs(topic);
    this.cluster = cluster;
    this.onError =
      onError ?? ((err) => log.error({ err, groupId: this.groupId, memberId: this.memberId }, 'consumer stopped by an error'));
    this.state = 'running';
    this.delivering = this.deliverUntilStopped(handler);
    await cluster.groups.join(this.groupId, this);
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    for (const target of offsets) this.requireOwned(target, 'commit');
    this.cluster!.offsets.commit(new Map([[this.groupId, offsets]]));
  }

  seek(target: TopicPartitionOffset): void {
    const owned = this.requireOwned(target, 'seek');
    const { beginningOffset, endOffset } = owned.log;
    if (!Number.isInteger(target.offset) || target.offset < beginningOffset || target.offset > endOffset) {
      throw new RangeError(
        `cannot seek ${target.topic}-${target.partition} to ${target.offset}: valid offsets are ${beginningOffset} to ${endOffset}`,
      );
    }
    owned.position = target.offset;
    this.wake.notify();
  }

  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.requireOwned(tp, 'pause').paused = true;
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.requireOwned(tp, 'resume').paused = false;
    this.wake.notify();
  }

  assignment(): TopicPartition[] {
    return this.ownedList.map(({ topic, partition }) => ({ topic, partition }));
  }

  groupAssignment(): MemberAssignment[] {
    return this.group.map((member) => ({ ...member, partitions: member.partitions.map(({ topic, partition }) => ({ topic, partition })) }));
  }

  assignedPartitions(): TopicPartition[] {
    return this.assignment();
  }

  /** Waits for a running handler call to return, revokes the partitions (listener included), leaves the group. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const joined = this.state !== 'created';
    this.state = 'closed';
    this.wake.notify();
    this.closing = (async () => {
      await this.delivering;
      if (joined) await this.cluster!.groups.leave(this.groupId, this);
      this.onClosed(this);
    })();
    return this.closing;
  }

  revoke(partitions: TopicPartition[]): Promise<void> {
    return this.exclusive.run(async () => {
      const revoked = partitions.filter((tp) => this.owned.has(tpKey(tp)));
      if (revoked.length === 0) return;
      // Still owned while the listener runs: it may commit them.
      await this.notifyListener('onPartitionsRevoked', revoked);
      for (const tp of revoked) this.release(tp);
    });
  }

  assign(partitions: TopicPartition[], group: readonly MemberAssignment[]): Promise<void> {
    return this.exclusive.run(async () => {
      // A stopped member takes nothing; the round its leaving queued redistributes the partitions.
      if (this.state !== 'running') return;
      // Set before the listener runs, which may look at it (as after a Kafka SyncGroup).
      this.group = group;
      const assigned: TopicPartition[] = [];
      for (const tp of partitions) {
        const partitionLog = this.cluster!.topics.find(tp);
        if (!partitionLog) continue; // deleted since the round began
        const owned: OwnedPartition = {
          topic: tp.topic,
          partition: tp.partition,
          log: partitionLog,
          position: this.startPosition(partitionLog),
          paused: false,
        };
        this.owned.set(tpKey(tp), owned);
        partitionLog.watch(this.wake);
        assigned.push({ topic: tp.topic, partition: tp.partition });
      }
      this.ownedList = [...this.owned.values()];
      if (assigned.length) await this.notifyListener('onPartitionsAssigned', assigned);
      this.wake.notify();
    });
  }

  private async deliverUntilStopped(handler: Handler): Promise<void> {
    while (this.state === 'running') {
      let delivered: boolean;
      try {
        delivered = await this.exclusive.run(() => this.deliverNextBatch(handler));
      } catch (err) {
        this.fail(asError(err));
        return;
      }
      if (!delivered && this.state === 'running') await this.wake.wait();
    }
  }

  /** Hands one batch to the handler; false when no partition has anything to deliver. */
  private async deliverNextBatch(handler: Handler): Promise<boolean> {
    if (this.state !== 'running') return false;
    const source = this.nextReadyPartition();
    if (!source) return false;
    const { records, next } = source.log.read(source.position, this.maxBatchRecords);
    source.position = next;
    // A read that only passed transaction markers still made progress.
    if (records.length > 0) {
      await handler({
        topic: source.topic,
        partition: source.partition,
        records,
        highWatermark: source.log.endOffset,
      });
    }
    return true;
  }

  private nextReadyPartition(): OwnedPartition | undefined {
    const count = this.ownedList.length;
    for (let i = 0; i < count; i++) {
      const index = (this.nextIndex + i) % count;
      const candidate = this.ownedList[index];
      if (!candidate.paused && candidate.position < candidate.log.endOffset) {
        this.nextIndex = (index + 1) % count;
        return candidate;
      }
    }
    return undefined;
  }

  private startPosition(partitionLog: PartitionLog): number {
    const committed = this.cluster!.offsets.committedOffset(this.groupId, partitionLog.topic, partitionLog.partition);
    // Like Kafka, a committed offset outside the log (e.g. the topic was recreated) falls back to the reset policy.
    if (committed !== undefined && committed >= partitionLog.beginningOffset && committed <= partitionLog.endOffset) {
      return committed;
    }
    return this.autoOffsetReset === 'latest' ? partitionLog.endOffset : partitionLog.beginningOffset;
  }

  private async notifyListener(
    callback: 'onPartitionsRevoked' | 'onPartitionsAssigned',
    partitions: TopicPartition[],
  ): Promise<void> {
    try {
      await this.listener?.[callback]?.(partitions);
    } catch (err) {
      this.fail(new Error(`${callback} failed: ${asError(err).message}`, { cause: err }));
    }
  }

  private fail(err: Error): void {
    this.onError(err);
    if (this.state !== 'running') return;
    this.state = 'failed';
    this.wake.notify();
    for (const owned of this.ownedList) this.release(owned);
    void this.cluster!.groups.leave(this.groupId, this);
  }

  private release(tp: TopicPartition): void {
    const key = tpKey(tp);
    const owned = this.owned.get(key);
    if (!owned) return;
    owned.log.unwatch(this.wake);
    this.owned.delete(key);
    this.ownedList = [...this.owned.values()];
  }

  private requireOwned(tp: TopicPartition, action: string): OwnedPartition {
    const owned = this.owned.get(tpKey(tp));
    if (!owned) {
      throw new Error(
        `cannot ${action} ${tp.topic}-${tp.partition}: the partition is not assigned to this consumer (group '${this.groupId}')`,
      );
    }
    return owned;
  }
}
