/**
 * Partitions' beginning and end offsets. The end offset is the high watermark, as the broker
 * interface defines it. kafkajs' admin can only ask for the last stable offset (isolation level
 * read_committed), which stops before an open transaction's records, so a read_committed reader
 * given that end would not wait for the transaction to finish. A read_uncommitted consumer's
 * cluster asks for the high watermark (see consumer-cluster.ts).
 *
 * A fresh cluster per call: a kafkajs cluster keeps refreshing the metadata of every topic it was
 * asked about, and fails all its requests once one of those topics is deleted elsewhere.
 */
import type { Kafka } from 'kafkajs';
import { consumerWithCluster } from './consumer-cluster.js';
import { toPartitionArray } from './records.js';

export async function partitionOffsets(kafka: Kafka, topic: string, position: 'beginning' | 'end'): Promise<number[]> {
  const { cluster } = consumerWithCluster(kafka, {
    groupId: 'tributary-offsets',
    readUncommitted: true,
    allowAutoTopicCreation: false,
  });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const partitions = cluster.findTopicPartitionMetadata(topic).map((metadata) => ({ partition: metadata.partitionId }));
    const [offsets] = await cluster.fetchTopicsOffset([{ topic, partitions, fromBeginning: position === 'beginning' }]);
    return toPartitionArray(offsets.partitions, (row) => Number(row.offset));
  } finally {
    await cluster.disconnect();
  }
}
