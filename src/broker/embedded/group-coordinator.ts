/**
 * Consumer-group membership and rebalancing. Each group rebalances one round at a time; a round
 * asked for while another runs is queued, and asks arriving meanwhile share it. A round:
 *
 *   1. computes the new assignment (assignment.ts) from the members present when it starts;
 *   2. revokes, on every member, the partitions it loses (all of them for members that left), and
 *      waits for every revocation, listeners included, to finish;
 *   3. only then assigns the partitions each member gains, telling every member the group's new
 *      assignment (each member's partitions and host info) at the same time.
 *
 * So a partition is never owned by two members at once, and whatever a member flushes or commits
 * in `onPartitionsRevoked` is in place before the next owner reads the committed offset.
 */
import type { MemberAssignment, TopicPartition } from '../types.js';
import { logger } from '../../logger.js';
import { assignPartitions } from './assignment.js';

const log = logger.child({ component: 'embedded-group-coordinator' });

/** What the coordinator needs from a consumer. Both calls must settle (never reject). */
export interface GroupMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** Shared with the rest of the group in every member's view of the assignment. */
  readonly hostInfo: string | undefined;
  assignedPartitions(): TopicPartition[];
  revoke(partitions: TopicPartition[]): Promise<void>;
  /** The partitions the member gains (possibly none) and the whole group's new assignment. */
  assign(partitions: TopicPartition[], group: readonly MemberAssignment[]): Promise<void>;
}

function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

function minus(from: readonly TopicPartition[], remove: readonly TopicPartition[]): TopicPartition[] {
  const removed = new Set(remove.map(tpKey));
  return from.filter((tp) => !removed.has(tpKey(tp)));
}

class ConsumerGroup {
  readonly members: GroupMember[] = [];
  private readonly departed: GroupMember[] = [];
  private lastRound: Promise<void> = Promise.resolve();
  private queuedRound: Promise<void> | undefined;

  constructor(
    readonly groupId: string,
    private readonly partitionCount: (topic: string) => number | undefined,
  ) {}

  join(member: GroupMember): Promise<void> {
    this.members.push(member);
    return this.requestRebalance();
  }

  leave(member: GroupMember): Promise<void> {
    const index = this.members.indexOf(member);
    if (index < 0) return this.lastRound;
    this.members.splice(index, 1);
    this.departed.push(member);
    return this.requestRebalance();
  }

  isIdle(): boolean {
    return this.members.length === 0 && this.departed.length === 0 && this.queuedRound === undefined;
  }

  /** Resolves when a round that starts after this call has finished. */
  requestRebalance(): Promise<void> {
    if (this.queuedRound) return this.queuedRound;
    const round = this.lastRound.then(() => {
      this.queuedRound = undefined;
      return this.rebalance();
    });
    this.queuedRound = round;
    this.lastRound = round;
    return round;
  }

  private async rebalance(): Promise<void> {
    const members = [...this.members];
    const departed = this.departed.splice(0);
    const target = assignPartitions(
      members.map((member) => ({ memberId: member.memberId, topics: member.topics, owned: member.assignedPartitions() })),
      this.partitionCount,
    );
    const revocations = departed.map((member) => member.revoke(member.assignedPartitions()));
    for (const member of members) {
      const lost = minus(member.assignedPartitions(), target.get(member.memberId)!);
      if (lost.length) revocations.push(member.revoke(lost));
    }
    await Promise.all(revocations);

    const group: MemberAssignment[] = members.map((member) => ({
      ...(member.hostInfo !== undefined ? { hostInfo: member.hostInfo } : {}),
      partitions: target.get(member.memberId)!,
    }));
    const assignments: Promise<void>[] = [];
    for (const member of members) {
      // A member that left during the revocations is handled by the round its leaving queued.
      if (!this.members.includes(member)) continue;
      assignments.push(member.assign(minus(target.get(member.memberId)!, member.assignedPartitions()), group));
    }
    await Promise.all(assignments);
    log.debug(
      { groupId: this.groupId, assignment: Object.fromEntries([...target].map(([id, tps]) => [id, tps.map(tpKey)])) },
      'group rebalanced',
    );
  }
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();

  constructor(private readonly partitionCount: (topic: string) => number | undefined) {}

  /** Adds a member; resolves once the rebalance that gives it its partitions has finished. */
  join(groupId: string, member: GroupMember): Promise<void> {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new ConsumerGroup(groupId, this.partitionCount);
      this.groups.set(groupId, group);
    }
    return group.join(member);
  }

  /** Removes a member; resolves once its partitions are revoked and handed to the others. */
  async leave(groupId: string, member: GroupMember): Promise<void> {
    const group = this.groups.get(groupId);
    if (!group) return;
    await group.leave(member);
    if (group.isIdle() && this.groups.get(groupId) === group) this.groups.delete(groupId);
  }

  hasMembers(groupId: string): boolean {
    return (this.groups.get(groupId)?.members.length ?? 0) > 0;
  }

  /**
   * Topics were created or deleted: groups subscribed to any of them rebalance. Not awaited on
   * purpose: the caller may be a record handler of one of those groups, which a round would wait for.
   */
  topicsChanged(names: readonly string[]): void {
    for (const group of this.groups.values()) {
      if (group.members.some((member) => member.topics.some((topic) => names.includes(topic)))) {
        void group.requestRebalance();
      }
    }
  }
}
