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

export { ProducerFencedError } from '../errors.js';
