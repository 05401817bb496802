/**
 * How a consumer group's partitions are split among its members.
 *
 * Co-partitioned: the unit of assignment is a partition number, and every member gets all topics'
 * partitions with the numbers it holds, so partition n of every input topic lands on one member
 * (stream-stream and stream-table joins depend on that, as in Kafka Streams). Topics with different
 * subscriber sets are split independently.
 *
 * Balanced and sticky: every member gets floor(n/k) or ceil(n/k) partition numbers, and a number
 * stays with its current owner when the balance allows, so a rebalance moves as few as possible.
 */
import type { TopicPartition } from '../types.js';

export interface MemberSubscription {
  memberId: string;
  topics: readonly string[];
  owned: readonly TopicPartition[];
}

/** Members in join order; the result maps every member id to its partitions (possibly none). */
export function assignPartitions(
  members: readonly MemberSubscription[],
  partitionCount: (topic: string) => number | undefined,
): Map<string, TopicPartition[]> {
  const result = new Map<string, TopicPartition[]>(members.map((member) => [member.memberId, []]));
  for (const { subscribers, topics } of topicsBySubscribers(members, partitionCount)) {
    const counts = topics.map((topic) => partitionCount(topic) ?? 0);
    const unitCount = Math.max(...counts);
    const previousOwner = new Map<number, string>();
    for (const member of subscribers) {
      for (const owned of member.owned) {
        if (topics.includes(owned.topic) && !previousOwner.has(owned.partition)) {
          previousOwner.set(owned.partition, member.memberId);
        }
      }
    }
    const units = balanceUnits(unitCount, subscribers.map((member) => member.memberId), previousOwner);
    for (const [memberId, partitions] of units) {
      const assigned = result.get(memberId)!;
      for (const partition of partitions) {
        topics.forEach((topic, i) => {
          if (partition < counts[i]) assigned.push({ topic, partition });
        });
      }
    }
  }
  return result;
}

interface SubscriberSet {
  subscribers: MemberSubscription[];
  topics: string[];
}

/** Existing subscribed topics, grouped by exactly which members subscribe to them. */
function topicsBySubscribers(
  members: readonly MemberSubscription[],
  partitionCount: (topic: string) => number | undefined,
): SubscriberSet[] {
  const subscribersByTopic = new Map<string, MemberSubscription[]>();
  for (const member of members) {
    for (const topic of new Set(member.topics)) {
      if (partitionCount(topic) === undefined) continue;
      const subscribers = subscribersByTopic.get(topic) ?? [];
      subscribers.push(member);
      subscribersByTopic.set(topic, subscribers);
    }
  }
  const sets = new Map<string, SubscriberSet>();
  for (const [topic, subscribers] of subscribersByTopic) {
    const key = subscribers.map((member) => member.memberId).join('\n');
    const set = sets.get(key);
    if (set) set.topics.push(topic);
    else sets.set(key, { subscribers, topics: [topic] });
  }
  return [...sets.values()];
}

/** Splits units 0..unitCount-1 among members, keeping each unit with its previous owner when balance allows. */
function balanceUnits(
  unitCount: number,
  memberIds: readonly string[],
  previousOwner: ReadonlyMap<number, string>,
): Map<string, number[]> {
  const held = new Map<string, number[]>(memberIds.map((id) => [id, []]));
  const pool: number[] = [];
  for (let unit = 0; unit < unitCount; unit++) {
    const owner = previousOwner.get(unit);
    const units = owner === undefined ? undefined : held.get(owner);
    if (units) units.push(unit);
    else pool.push(unit);
  }

  const base = Math.floor(unitCount / memberIds.length);
  let extraSlots = unitCount % memberIds.length;
  // Members holding the most keep the ceil(n/k) slots, so the fewest units move.
  const byHolding = [...memberIds].sort((a, b) => held.get(b)!.length - held.get(a)!.length);
  for (const id of byHolding) {
    const units = held.get(id)!;
    let cap = base;
    if (extraSlots > 0 && units.length > base) {
      cap++;
      extraSlots--;
    }
    pool.push(...units.splice(cap));
  }

  pool.sort((a, b) => a - b);
  let next = 0;
  for (const id of memberIds) {
    const units = held.get(id)!;
    while (units.length < base) units.push(pool[next++]);
  }
  for (const id of memberIds) {
    if (next === pool.length) break;
    const units = held.get(id)!;
    if (units.length === base) units.push(pool[next++]);
  }
  for (const units of held.values()) units.sort((a, b) => a - b);
  return held;
}
