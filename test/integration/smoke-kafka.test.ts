/**
 * Foundation smoke test: kafkajs (the client the Kafka adapter is built on) against the pinned real
 * Kafka broker, with no Tributary code in between. If this fails, the client/broker pairing is broken.
 */
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';

const RECORD_COUNT = 1_000;
const PARTITIONS = 3;

interface Received {
  partition: number;
  message: KafkaMessage;
}

/** Consumes `topic` from the beginning in a fresh group until `expected` records arrived. */
async function consumeAll(kafka: Kafka, topic: string, expected: number, readUncommitted: boolean): Promise<Received[]> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('smoke-group'), readUncommitted });
  const received: Received[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length}/${expected} records arrived`)), 60_000);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) received.push({ partition: batch.partition, message });
            if (received.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('kafkajs against the real Kafka broker', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = new Kafka({ clientId: 'smoke', brokers: kafkaBrokers(), logLevel: logLevel.ERROR });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  it('keeps per-partition order for 1,000 keyed records over 3 partitions', async () => {
    const topic = uniqueName('smoke-order');
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    const messages = Array.from({ length: RECORD_COUNT }, (_, i) => ({ key: `key-${i % 37}`, value: String(i) }));
    await producer.send({ topic, messages, acks: -1 });
    await producer.disconnect();

    const received = await consumeAll(kafka, topic, RECORD_COUNT, true);
    expect(received).toHaveLength(RECORD_COUNT);

    const partitionsUsed = new Set(received.map((r) => r.partition));
    expect(partitionsUsed.size).toBe(PARTITIONS);

    // One key always lands on one partition, and within a partition both offsets and the produced
    // sequence numbers increase.
    const partitionOfKey = new Map<string, number>();
    const lastOnPartition = new Map<number, { offset: number; sequence: number }>();
    for (const { partition, message } of received) {
      const key = message.key!.toString();
      expect(partitionOfKey.get(key) ?? partition).toBe(partition);
      partitionOfKey.set(key, partition);

      const offset = Number(message.offset);
      const sequence = Number(message.value!.toString());
      const last = lastOnPartition.get(partition);
      if (last) {
        expect(offset).toBeGreaterThan(last.offset);
        expect(sequence).toBeGreaterThan(last.sequence);
      }
      lastOnPartition.set(partition, { offset, sequence });
    }
    expect(new Set(received.map((r) => Number(r.message.value!.toString()))).size).toBe(RECORD_COUNT);
  });

  it('shows committed transactions and hides aborted ones from a read_committed consumer', async () => {
    const topic = uniqueName('smoke-txn');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionalId: uniqueName('smoke-txn-id'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await aborted.abort();

      // A final committed record: once it is read, everything before it has been decided.
      const last = await producer.transaction();
      await last.send({ topic, messages: [{ value: 'committed-3' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }

    const readCommitted = await consumeAll(kafka, topic, 3, false);
    expect(readCommitted.map((r) => r.message.value!.toString())).toEqual(['committed-1', 'committed-2', 'committed-3']);

    // The aborted records are in the log: a read_uncommitted consumer sees all five.
    const readUncommitted = await consumeAll(kafka, topic, 5, true);
    expect(readUncommitted.map((r) => r.message.value!.toString())).toEqual([
      'committed-1',
      'committed-2',
      'aborted-1',
      'aborted-2',
      'committed-3',
    ]);
  });
});
