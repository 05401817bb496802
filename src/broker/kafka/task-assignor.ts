/**
 * The kafkajs partition assigner of the application's consumer group: co-partitioned, balanced
 * by task, and sticky.
 *
 * The runtime makes one task per (sub-topology, partition number), and a task reads partition N
 * of every source topic of its sub-topology. So this assigner deals out partition numbers, not
 * partitions: a "task" here is partition N of every topic the group subscribes to (topics with
 * fewer partitions simply have no share in the higher numbers), and all of it goes to one member.
 * kafkajs' round robin would split partition N of two joined topics between members.
 *
 * Balance: every member gets floor(tasks / members) or one more.
 *
 * Stickiness: kafkajs speaks the eager protocol, where every member gives up everything at each
 * rebalance, so each member states in its subscription user data the partitions it held and the
 * generation it got them in. The leader leaves each task with its last owner as long as that
 * keeps the balance (a member over its share keeps its lowest-numbered tasks), so a member
 * joining or leaving moves as few tasks as possible. Two members claiming one task (one of them
 * missed a rebalance) are settled by the newer generation.
 *
 * Each member may also state a `hostInfo` string (for interactive queries: where a partition's
 * state lives). The leader puts the whole assignment, every member's host info and partitions,
 * into each member's assignment user data; the member reads it from the SyncGroup answer (kafkajs
 * drops assignment user data, see consumer-cluster.ts) and `groupAssignment()` returns it.
 *
 * Topics only some members subscribe to (a rolling upgrade that changes the topology) go, partition
 * by partition, to the task's owner when it subscribes to them and otherwise to the least loaded
 * member that does. The leader deals out only topics its own metadata knows, i.e. those it
 * subscribes to itself: kafkajs' cluster fetches no metadata for other topics.
 *
 * Standby replicas (`numStandbyReplicas` N > 0): the leader also names, for every task, up to N
 * members other than its owner that keep a warm copy of its state (see `assignStandbys`); each
 * member finds its own in its assignment user data and states them in its next subscription. A
 * task whose owner left then goes, when the balance allows, to a member that stood by for it, and
 * standbys stay where they are when they can, so the warm copies stay useful.
 *
 * User data is versioned JSON; data that does not parse counts as none (no claims, no host info).
 */
import { AssignerProtocol, type Assigner, type GroupMember, type PartitionAssigner } from 'kafkajs';
import { logger } from '../../logger.js';
import type { MemberAssignment, TopicPartition } from '../types.js';

const log = logger.child({ component: 'kafka-task-assignor' });

export const TASK_ASSIGNOR_NAME = 'TributaryStickyTaskAssignor';
const PROTOCOL_VERSION = 1;
const USER_DATA_VERSION = 1;
const NO_GENERATION = -1;

/** Partitions by topic: kafkajs' assignment shape, and the user data's. */
type PartitionsByTopic = Record<string, number[]>;

interface SubscriptionData {
  version: number;
  hostInfo?: string;
  /** The generation `owned` was assigned in. */
  generation: number;
  owned: PartitionsByTopic;
  /** The standby tasks' partitions this member was given at that generation. */
  standby?: PartitionsByTopic;
}

interface AssignmentData {
  version: number;
  members: Array<{ hostInfo?: string; partitions: PartitionsByTopic }>;
  /** The receiving member's standby tasks' partitions. */
  standby?: PartitionsByTopic;
}

/** One member as the leader sees it. */
export interface TaskMember {
  memberId: string;
  topics: string[];
  generation: number;
  owned: TopicPartition[];
  /** Tasks (partition numbers) it kept standby copies of. */
  standby?: number[];
  hostInfo?: string;
}

function toPartitionsByTopic(partitions: TopicPartition[]): PartitionsByTopic {
  const byTopic: PartitionsByTopic = {};
  for (const { topic, partition } of partitions) (byTopic[topic] ??= []).push(partition);
  for (const list of Object.values(byTopic)) list.sort((a, b) => a - b);
  return byTopic;
}

function toTopicPartitions(byTopic: PartitionsByTopic): TopicPartition[] {
  return Object.entries(byTopic).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
}

function parseUserData<T extends { version: number }>(userData: Buffer | null | undefined): T | undefined {
  if (!userData || userData.length === 0) return undefined;
  try {
    const data = JSON.parse(userData.toString('utf8')) as T;
    return typeof data === 'object' && data !== null && data.version === USER_DATA_VERSION ? data : undefined;
  } catch {
    return undefined;
  }
}

function isPartitionsByTopic(value: unknown): value is PartitionsByTopic {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((list) => Array.isArray(list) && list.every((p) => Number.isInteger(p)))
  );
}

function decodeMember({ memberId, memberMetadata }: GroupMember): TaskMember {
  const { topics, userData } = AssignerProtocol.MemberMetadata.decode(memberMetadata) ?? { topics: [], userData: undefined };
  const data = parseUserData<SubscriptionData>(userData);
  const owned = data && isPartitionsByTopic(data.owned) ? toTopicPartitions(data.owned) : [];
  const standby = data && isPartitionsByTopic(data.standby) ? toTopicPartitions(data.standby) : [];
  return {
    memberId,
    topics,
    generation: data && Number.isInteger(data.generation) ? data.generation : NO_GENERATION,
    owned,
    standby: [...new Set(standby.map((p) => p.partition))],
    hostInfo: typeof data?.hostInfo === 'string' ? data.hostInfo : undefined,
  };
}

/**
 * The assignment itself (the leader's job), as a pure function. `partitionCounts` holds the
 * topics to deal out; the result has an entry, possibly empty, for every member.
 */
export function assignTasks(members: TaskMember[], partitionCounts: Map<string, number>): Map<string, TopicPartition[]> {
  const result = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
  if (members.length === 0) return result;
  const ids = members.map((m) => m.memberId).sort();
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const taskCount = Math.max(0, ...partitionCounts.values());

  // Each task's last owner: the newest generation claiming it, then the one holding most of it.
  const claims = new Map<number, { memberId: string; generation: number; held: number }>();
  for (const id of ids) {
    const member = byId.get(id)!;
    const held = new Map<number, number>();
    for (const { topic, partition } of member.owned) {
      const count = partitionCounts.get(topic);
      if (count !== undefined && partition >= 0 && partition < count) held.set(partition, (held.get(partition) ?? 0) + 1);
    }
    for (const [task, count] of held) {
      const best = claims.get(task);
      if (!best || member.generation > best.generation || (member.generation === best.generation && count > best.held)) {
        claims.set(task, { memberId: id, generation: member.generation, held: count });
      }
    }
  }
  const claimed = new Map<string, number[]>(ids.map((id) => [id, []]));
  for (const [task, { memberId }] of claims) claimed.get(memberId)!.push(task);
  for (const tasks of claimed.values()) tasks.sort((a, b) => a - b);

  // Keep what the balance allows: `base` tasks each, plus one for `extra` members, those with most claims first.
  const base = Math.floor(taskCount / ids.length);
  let extra = taskCount % ids.length;
  const tasksOf = new Map<string, number[]>(ids.map((id) => [id, claimed.get(id)!.slice(0, base)]));
  const overBase = ids.filter((id) => claimed.get(id)!.length > base).sort((a, b) => claimed.get(b)!.length - claimed.get(a)!.length);
  for (const id of overBase) {
    if (extra === 0) break;
    tasksOf.get(id)!.push(claimed.get(id)![base]);
    extra--;
  }

  // The rest, in order: to a member that stood by for the task if it is under its share (`base`,
  // or `base` + 1 while such slots are left), else to the least loaded member. Either keeps
  // everyone within one task of each other.
  const kept = new Set([...tasksOf.values()].flat());
  for (let task = 0; task < taskCount; task++) {
    if (kept.has(task)) continue;
    const load = (id: string) => tasksOf.get(id)!.length;
    let chosen = ids.find((id) => byId.get(id)!.standby?.includes(task) && (load(id) < base || (load(id) === base && extra > 0)));
    if (chosen === undefined) {
      chosen = ids[0];
      for (const id of ids) if (load(id) < load(chosen)) chosen = id;
    }
    if (load(chosen) === base) extra--;
    tasksOf.get(chosen)!.push(task);
  }

  // Tasks to partitions; a topic the owner does not subscribe to goes to the least loaded member that does.
  const owner = new Map<number, string>();
  for (const [id, tasks] of tasksOf) for (const task of tasks) owner.set(task, id);
  const topics = [...partitionCounts.keys()].sort();
  for (let task = 0; task < taskCount; task++) {
    for (const topic of topics) {
      if (task >= partitionCounts.get(topic)!) continue;
      let assignee = owner.get(task)!;
      if (!byId.get(assignee)!.topics.includes(topic)) {
        const subscribers = ids.filter((id) => byId.get(id)!.topics.includes(topic));
        if (subscribers.length === 0) continue;
        assignee = subscribers.reduce((a, b) => (result.get(b)!.length < result.get(a)!.length ? b : a));
      }
      result.get(assignee)!.push({ topic, partition: task });
    }
  }
  return result;
}

/**
 * Standby tasks (partition numbers) per member: each task of `active` (its partitions, per
 * member) gets up to `replicas` members other than its owner, preferring those that already hold
 * its state (stood by for it or owned it), then those with the fewest standbys so far, then by
 * member id, so every leader computes the same.
 */
export function assignStandbys(members: TaskMember[], active: Map<string, TopicPartition[]>, replicas: number): Map<string, number[]> {
  const result = new Map<string, number[]>(members.map((m) => [m.memberId, []]));
  if (replicas <= 0) return result;
  const ids = members.map((m) => m.memberId).sort();
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const owner = new Map<number, string>();
  for (const [id, partitions] of active) for (const { partition } of partitions) owner.set(partition, id);
  const holds = (id: string, task: number) =>
    byId.get(id)!.standby?.includes(task) === true || byId.get(id)!.owned.some((p) => p.partition === task);
  for (const task of [...owner.keys()].sort((a, b) => a - b)) {
    const candidates = ids
      .filter((id) => id !== owner.get(task))
      .sort((a, b) => Number(holds(b, task)) - Number(holds(a, task)) || result.get(a)!.length - result.get(b)!.length);
    for (const id of candidates.slice(0, replicas)) result.get(id)!.push(task);
  }
  return result;
}

/**
 * One consumer's side of the assigner: what it states when joining, and what it learnt at the
 * last SyncGroup. `partitionAssigner` is what the kafkajs consumer is created with.
 */
export class TaskAssignor {
  private owned: TopicPartition[] = [];
  private generation = NO_GENERATION;
  private group: MemberAssignment[] = [];
  private standby: TopicPartition[] = [];

  constructor(
    private readonly hostInfo?: string,
    private readonly numStandbyReplicas = 0,
  ) {}

  /** The partitions of the tasks this member keeps standby copies of, as of the last SyncGroup. */
  standbyAssignment(): TopicPartition[] {
    return this.standby.slice();
  }

  /** Every member's host info and partitions, as of the last SyncGroup; empty before the first. */
  groupAssignment(): MemberAssignment[] {
    return this.group.map((member) => ({ ...member, partitions: member.partitions.slice() }));
  }

  /** The SyncGroup answer of generation `generationId` (its assignment bytes, undecoded). */
  synced(generationId: number, memberAssignment: Buffer): void {
    const decoded = memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(memberAssignment) : null;
    this.owned = decoded ? toTopicPartitions(decoded.assignment) : [];
    this.generation = generationId;
    const data = parseUserData<AssignmentData>(decoded?.userData);
    this.standby = isPartitionsByTopic(data?.standby) ? toTopicPartitions(data.standby) : [];
    this.group = Array.isArray(data?.members)
      ? data.members
          .filter((m) => isPartitionsByTopic(m?.partitions))
          .map((m) => ({
            ...(typeof m.hostInfo === 'string' ? { hostInfo: m.hostInfo } : {}),
            partitions: toTopicPartitions(m.partitions),
          }))
      : [];
  }

  readonly partitionAssigner: PartitionAssigner = ({ cluster }) => {
    const assigner: Assigner = {
      name: TASK_ASSIGNOR_NAME,
      version: PROTOCOL_VERSION,

      protocol: ({ topics }) => {
        const data: SubscriptionData = {
          version: USER_DATA_VERSION,
          ...(this.hostInfo !== undefined ? { hostInfo: this.hostInfo } : {}),
          generation: this.generation,
          owned: toPartitionsByTopic(this.owned),
          ...(this.standby.length > 0 ? { standby: toPartitionsByTopic(this.standby) } : {}),
        };
        return {
          name: TASK_ASSIGNOR_NAME,
          metadata: AssignerProtocol.MemberMetadata.encode({
            version: PROTOCOL_VERSION,
            topics,
            userData: Buffer.from(JSON.stringify(data)),
          }),
        };
      },

      assign: async ({ members }) => {
        const decoded = members.map(decodeMember);
        const partitionCounts = new Map<string, number>();
        for (const topic of new Set(decoded.flatMap((m) => m.topics))) {
          const partitions = cluster.findTopicPartitionMetadata(topic);
          if (partitions.length > 0) partitionCounts.set(topic, Math.max(...partitions.map((p) => p.partitionId)) + 1);
          else log.warn({ topic }, 'no metadata for a subscribed topic on the group leader: its partitions stay unassigned');
        }
        const assignment = assignTasks(decoded, partitionCounts);
        const standbys = assignStandbys(decoded, assignment, this.numStandbyReplicas);
        const group: AssignmentData = {
          version: USER_DATA_VERSION,
          members: decoded.map((m) => ({
            ...(m.hostInfo !== undefined ? { hostInfo: m.hostInfo } : {}),
            partitions: toPartitionsByTopic(assignment.get(m.memberId)!),
          })),
        };
        // A standby task is partition N of every topic the member subscribes to, like an active one.
        const standbyPartitions = (m: TaskMember) =>
          standbys.get(m.memberId)!.flatMap((task) =>
            m.topics.filter((topic) => task < (partitionCounts.get(topic) ?? 0)).map((topic) => ({ topic, partition: task })),
          );
        return decoded.map((m) => ({
          memberId: m.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: PROTOCOL_VERSION,
            assignment: toPartitionsByTopic(assignment.get(m.memberId)!),
            userData: Buffer.from(JSON.stringify({ ...group, standby: toPartitionsByTopic(standbyPartitions(m)) })),
          }),
        }));
      },
    };
    return assigner;
  };
}
