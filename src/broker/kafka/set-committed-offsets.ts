/**
 * Overwrites an empty group's committed offsets (offset resets). kafkajs' `admin.setOffsets`
 * takes a full fetch wait (5 s) per topic; here the group's sole, short-lived member commits all
 * topics at once right after joining, with every partition paused, and leaves.
 */
import type { Kafka } from 'kafkajs';
import type { TopicPartitionOffset } from '../types.js';
import type { KafkaAdmin } from './admin.js';
import { SoleMember } from './sole-member.js';

const STATES_WITHOUT_MEMBERS = ['Empty', 'Dead'];

export async function setCommittedOffsets(
  kafka: Kafka,
  admin: KafkaAdmin,
  groupId: string,
  offsets: TopicPartitionOffset[],
): Promise<void> {
  if (offsets.length === 0) return;
  const state = await admin.groupState(groupId);
  if (!STATES_WITHOUT_MEMBERS.includes(state)) {
    throw new Error(`cannot set the committed offsets of group "${groupId}": it has live members (state ${state})`);
  }
  const topics = [...new Set(offsets.map((o) => o.topic))];
  const member = new SoleMember(kafka, { groupId, topics, readUncommitted: true });
  await member.start();
  try {
    await member.consumer.commitOffsets(
      offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })),
    );
  } finally {
    await member.stop();
  }
}
