/** Errors the embedded broker raises, worded like the Kafka conditions they stand for. */
import type { TopicPartition } from '../types.js';

export class UnknownTopicError extends Error {
  constructor(readonly topic: string) {
    super(`topic '${topic}' does not exist`);
    this.name = 'UnknownTopicError';
  }
}

export class UnknownPartitionError extends Error {
  constructor(target: TopicPartition, partitionCount: number) {
    super(`partition ${target.partition} of topic '${target.topic}' does not exist (it has ${partitionCount} partitions)`);
    this.name = 'UnknownPartitionError';
  }
}

/** A newer producer registered the same transactional id; this one must be closed (Kafka's ProducerFencedException). */
export class ProducerFencedError extends Error {
  constructor(readonly transactionalId: string) {
    super(`producer with transactionalId '${transactionalId}' has been fenced by a newer producer with the same id`);
    this.name = 'ProducerFencedError';
  }
}
