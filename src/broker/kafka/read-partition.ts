/**
 * Reads one partition's offset range outside any application group (state store restore, global
 * tables). kafkajs cannot assign a partition by hand, so a throwaway group's only member reads it:
 * on joining it pauses everything but the target partition and seeks it to `fromOffset`. It never
 * commits, so the empty group leaves nothing behind once it is gone.
 *
 * The read stops at the first fetched offset >= `toOffset - 1`, counting offsets kafkajs does not
 * hand over (transaction markers, aborted records): on a compacted changelog the offsets below
 * `toOffset` may have gaps, and the last offset of a transactional range is usually a marker.
 * `toOffset` is capped at the partition's end offset (high watermark), so a range past the end ends
 * there instead of waiting for records that are not written yet; a read_committed read of a range
 * holding an open transaction waits until that transaction ends.
 *
 * A new group's first join waits `group.initial.rebalance.delay.ms` on the broker (3 s by default;
 * the test broker sets 0), which each read pays once.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { ConsumedRecord, IsolationLevel, TopicPartition } from '../types.js';
import { partitionOffsets } from './offsets.js';
import { toConsumedRecords } from './records.js';
import { SoleMember } from './sole-member.js';

export async function readPartition(
  kafka: Kafka,
  target: TopicPartition,
  fromOffset: number,
  toOffset: number,
  onBatch: (records: ConsumedRecord[]) => void,
  isolationLevel: IsolationLevel,
): Promise<void> {
  if (toOffset <= fromOffset) return;
  const { topic, partition } = target;
  const end = (await partitionOffsets(kafka, topic, 'end'))[partition];
  if (end === undefined) throw new Error(`readPartition: topic "${topic}" has no partition ${partition}`);
  const until = Math.min(toOffset, end);
  if (until <= fromOffset) return;

  let done = false;
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });

  const reader = new SoleMember(kafka, {
    groupId: `tributary-reader-${randomUUID()}`,
    topics: [topic],
    readUncommitted: isolationLevel === 'read_uncommitted',
    onJoin: (consumer) => {
      consumer.resume([{ topic, partitions: [partition] }]);
      consumer.seek({ topic, partition, offset: String(fromOffset) });
    },
    eachBatch: async ({ batch }) => {
      if (done || batch.partition !== partition) return;
      try {
        const records = toConsumedRecords(topic, partition, batch.messages, until);
        if (records.length > 0) onBatch(records);
      } catch (err) {
        done = true;
        fail(err);
      }
    },
  });
  // Fired after each batch, including those kafkajs handles itself because nothing in them is
  // handed over (only markers or aborted records), which is why the end is detected here.
  reader.consumer.on(reader.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (done || payload.partition !== partition || Number(payload.lastOffset) < until - 1) return;
    done = true;
    finish();
  });

  await reader.start();
  try {
    await Promise.race([finished, reader.crashed]);
  } finally {
    done = true;
    await reader.stop();
  }
}
