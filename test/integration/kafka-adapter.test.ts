/**
 * What only the Kafka adapter has to get right, against the real broker: transactions with
 * consumer offsets, fencing of a zombie transactional producer, bounded reads of a compacted
 * changelog, and the rebalance callbacks kafkajs does not have (emulated in src/broker/kafka/).
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBroker, ProducerFencedError } from '../../src/broker/kafka/index.js';
import type { ConsumedRecord, Consumer, IsolationLevel, ProducerRecord, TopicPartition } from '../../src/broker/types.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';

function record(topic: string, partition: number, key: string, value: string): ProducerRecord {
  return { topic, partition, key: Buffer.from(key), value: Buffer.from(value), timestamp: Date.now() };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe('KafkaBroker against the real broker', () => {
  let broker: KafkaBroker;

  beforeAll(async () => {
    broker = new KafkaBroker({ brokers: kafkaBrokers(), logLevel: 'warn' });
    await broker.connect();
  });

  afterAll(async () => {
    await broker?.close();
  });

  /** Values of one partition from its start to its end offset, as a reader with this isolation level sees them. */
  async function values(topic: string, isolationLevel: IsolationLevel, partition = 0): Promise<string[]> {
    const end = (await broker.endOffsets(topic))[partition];
    const read: string[] = [];
    await broker.readPartition({ topic, partition }, 0, end, (batch) => read.push(...batch.map((r) => r.value!.toString())), {
      isolationLevel,
    });
    return read;
  }

  it('keeps working after another client deletes a topic it has looked at', async () => {
    const doomed = uniqueName('doomed');
    const group = uniqueName('doomed-group');
    await broker.createTopics([{ name: doomed, partitions: 2 }]);
    const producer = broker.producer();
    await producer.connect();
    await producer.send([record(doomed, 1, 'k', 'v')]);
    await producer.close();
    // Every kind of look at the topic (kafkajs clients remember topics they were asked about).
    expect(await broker.endOffsets(doomed)).toEqual([0, 1]);
    expect(await broker.beginningOffsets(doomed)).toEqual([0, 0]);
    expect(await broker.committedOffsets(group, doomed)).toEqual([null, null]);
    expect(await values(doomed, 'read_uncommitted', 1)).toEqual(['v']);

    const other = new KafkaBroker({ brokers: kafkaBrokers(), logLevel: 'warn' });
    try {
      await other.deleteTopics([doomed]);
    } finally {
      await other.close();
    }

    const next = uniqueName('after-delete');
    await broker.createTopics([{ name: next, partitions: 1 }]);
    expect(await broker.partitionCount(next)).toBe(1);
    await expect.poll(() => broker.partitionCount(doomed), { timeout: 10_000 }).toBeUndefined();
  });

  describe('transactions', () => {
    it('makes records and consumer offsets visible together at commit, and never after an abort', async () => {
      const output = uniqueName('txn-out');
      const input = uniqueName('txn-in');
      const group = uniqueName('txn-group');
      await broker.createTopics([
        { name: output, partitions: 1 },
        { name: input, partitions: 2 },
      ]);
      const producer = broker.producer({ transactionalId: uniqueName('txn') });
      await producer.connect();
      try {
        await producer.beginTransaction();
        await producer.send([record(output, 0, 'k', 'a'), record(output, 0, 'k', 'b')]);
        await producer.sendOffsets(group, [
          { topic: input, partition: 0, offset: 7 },
          { topic: input, partition: 1, offset: 3 },
        ]);
        // Written, but undecided: offsets are not committed yet, and only a read_uncommitted reader
        // gets the records (a read_committed one would wait for the transaction to end).
        expect(await broker.committedOffsets(group, input)).toEqual([null, null]);
        expect(await values(output, 'read_uncommitted')).toEqual(['a', 'b']);
        await producer.commitTransaction();
        // The coordinator writes the commit markers just after answering the commit.
        await expect.poll(() => broker.committedOffsets(group, input), { timeout: 10_000 }).toEqual([7, 3]);
        await expect.poll(() => values(output, 'read_committed'), { timeout: 10_000 }).toEqual(['a', 'b']);

        await producer.beginTransaction();
        await producer.send([record(output, 0, 'k', 'c')]);
        await producer.sendOffsets(group, [{ topic: input, partition: 0, offset: 20 }]);
        await producer.abortTransaction();

        await producer.beginTransaction();
        await producer.send([record(output, 0, 'k', 'd')]);
        await producer.commitTransaction();
        await expect.poll(() => values(output, 'read_committed'), { timeout: 10_000 }).toEqual(['a', 'b', 'd']);
        expect(await broker.committedOffsets(group, input)).toEqual([7, 3]);
        // The aborted record is in the log; only read_committed readers skip it.
        expect(await values(output, 'read_uncommitted')).toEqual(['a', 'b', 'c', 'd']);
      } finally {
        await producer.close();
      }
    });

    it('fences the older of two producers with the same transactional id', async () => {
      const topic = uniqueName('fence');
      await broker.createTopics([{ name: topic, partitions: 1 }]);
      const transactionalId = uniqueName('fenced-id');
      const zombie = broker.producer({ transactionalId });
      const successor = broker.producer({ transactionalId });
      try {
        await zombie.connect();
        await zombie.beginTransaction();
        await zombie.send([record(topic, 0, 'k', 'zombie-1')]);

        // Connecting the successor aborts the zombie's open transaction and bumps the epoch.
        await successor.connect();
        await expect(zombie.send([record(topic, 0, 'k', 'zombie-2')])).rejects.toBeInstanceOf(ProducerFencedError);
        await expect(zombie.commitTransaction()).rejects.toThrow(/fenced/);
        await expect(zombie.beginTransaction()).rejects.toBeInstanceOf(ProducerFencedError);

        await successor.beginTransaction();
        await successor.send([record(topic, 0, 'k', 'successor')]);
        await successor.commitTransaction();
        await expect.poll(() => values(topic, 'read_committed'), { timeout: 10_000 }).toEqual(['successor']);
      } finally {
        await zombie.close();
        await successor.close();
      }
    });
  });

  describe('readPartition on a compacted changelog', () => {
    /** Every offset still in the log, read with kafkajs directly (the reference, independent of the adapter). */
    async function offsetsInLog(topic: string, end: number): Promise<Map<number, string>> {
      const kafka = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: uniqueName('reference'), maxWaitTimeInMs: 100 });
      const found = new Map<number, string>();
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              eachBatch: async ({ batch }) => {
                for (const m of batch.messages) found.set(Number(m.offset), m.value!.toString());
                if (Number(batch.lastOffset()) >= end - 1) resolve();
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      return found;
    }

    it('reads exactly the records left in a range, across compaction gaps, and stops at its end', async () => {
      const topic = uniqueName('changelog');
      await broker.createTopics([
        {
          name: topic,
          partitions: 1,
          config: {
            'cleanup.policy': 'compact',
            'segment.ms': '100',
            'min.cleanable.dirty.ratio': '0.001',
            'min.compaction.lag.ms': '0',
            'delete.retention.ms': '0',
          },
        },
      ]);
      const producer = broker.producer();
      await producer.connect();
      try {
        // Five rounds over keys 0-9, then a round over the even keys only, each round in its own
        // segment (a segment rolls once it is older than segment.ms when the next write arrives):
        // once cleaned, the last round's odd keys survive between removed records.
        for (let round = 0; round < 6; round++) {
          const keys = round < 5 ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] : [0, 2, 4, 6, 8];
          await producer.send(keys.map((k) => record(topic, 0, `key-${k}`, `round-${round}-key-${k}`)));
          await sleep(150);
        }
        await producer.send([record(topic, 0, 'tail', 'tail')]);
      } finally {
        await producer.close();
      }
      const end = (await broker.endOffsets(topic))[0];
      expect(end).toBe(56);

      // The log cleaner looks for work every 15 s (log.cleaner.backoff.ms): wait until it has run.
      let reference = await offsetsInLog(topic, end);
      for (let attempt = 0; reference.size === end && attempt < 60; attempt++) {
        await sleep(1_000);
        reference = await offsetsInLog(topic, end);
      }
      const present = [...reference.keys()].sort((x, y) => x - y);
      const missing = Array.from({ length: end }, (_, i) => i).filter((o) => !reference.has(o));
      expect(missing.length).toBeGreaterThan(0);

      // A range that starts on a removed offset and ends on one, with records left in between.
      const from = missing[0];
      const lastRemoved = missing.find((m) => present.some((o) => o > from && o < m));
      expect(lastRemoved).toBeDefined();
      const to = lastRemoved! + 1;
      const expected = present.filter((o) => o >= from && o < to).map((o) => reference.get(o));

      const read: ConsumedRecord[] = [];
      await broker.readPartition({ topic, partition: 0 }, from, to, (batch) => read.push(...batch));
      expect(read.map((r) => r.value!.toString())).toEqual(expected);

      // The whole log, and a range past the end (capped at the end offset instead of waiting).
      const all: ConsumedRecord[] = [];
      await broker.readPartition({ topic, partition: 0 }, 0, end + 50, (batch) => all.push(...batch));
      expect(all.map((r) => r.offset)).toEqual(present);
      expect(all.at(-1)!.key!.toString()).toBe('tail');
    });
  });

  describe('rebalance callbacks', () => {
    it('revokes before another member reads, so records move between members without loss or duplicates', async () => {
      const topic = uniqueName('rebalance');
      const group = uniqueName('rebalance-group');
      const partitions = 4;
      await broker.createTopics([{ name: topic, partitions }]);

      // Records keep flowing the whole time, so members always have a batch in hand.
      const producer = broker.producer();
      await producer.connect();
      let producing = true;
      let sequence = 0;
      const production = (async () => {
        while (producing) {
          const batch = Array.from({ length: partitions }, (_, p) => record(topic, p, `k${p}`, String(sequence++)));
          await producer.send(batch);
          await sleep(10);
        }
      })();

      const handed: Array<{ member: string; partition: number; offset: number }> = [];
      const label = (ps: TopicPartition[]) =>
        ps
          .map((p) => p.partition)
          .sort()
          .join(',');

      function member(name: string) {
        const events: string[] = [];
        const nextOffset = new Map<number, number>();
        const consumer: Consumer = broker.consumer({
          groupId: group,
          topics: [topic],
          rebalanceListener: {
            onPartitionsRevoked: async (revoked) => {
              events.push(`revoked ${label(revoked)}`);
              await sleep(300); // like flushing state stores: the commit is not the callback's first step
              const offsets = revoked
                .filter((tp) => nextOffset.has(tp.partition))
                .map((tp) => ({ topic, partition: tp.partition, offset: nextOffset.get(tp.partition)! }));
              await consumer.commit(offsets);
              nextOffset.clear();
            },
            onPartitionsAssigned: (assigned) => {
              events.push(`assigned ${label(assigned)}`);
            },
          },
        });
        const run = () =>
          consumer.run(async (batch) => {
            for (const r of batch.records) handed.push({ member: name, partition: r.partition, offset: r.offset });
            nextOffset.set(batch.partition, batch.records.at(-1)!.offset + 1);
          });
        return { consumer, events, run };
      }
      const handedBy = (name: string) => handed.filter((h) => h.member === name);

      const a = member('a');
      const b = member('b');
      try {
        await a.run();
        expect(a.events).toEqual(['assigned 0,1,2,3']);
        await expect.poll(() => new Set(handedBy('a').map((h) => h.partition)).size, { timeout: 10_000 }).toBe(4);

        // b joins: a gives everything up, then each gets two partitions.
        await b.run();
        await expect.poll(() => a.events.length, { timeout: 15_000 }).toBe(3);
        expect(a.events.slice(0, 2)).toEqual(['assigned 0,1,2,3', 'revoked 0,1,2,3']);
        const ofA = a.events[2].replace('assigned ', '').split(',');
        const ofB = b.events[0].replace('assigned ', '').split(',');
        expect(ofA).toHaveLength(2);
        expect([...ofA, ...ofB].sort()).toEqual(['0', '1', '2', '3']);
        expect(b.consumer.assignment().map((tp) => String(tp.partition)).sort()).toEqual(ofB);
        await expect.poll(() => new Set(handedBy('b').map((h) => h.partition)).size, { timeout: 10_000 }).toBe(2);

        // b leaves: it revokes (and commits) before leaving, then a takes everything back.
        await b.consumer.close();
        expect(b.events).toEqual([`assigned ${ofB.join(',')}`, `revoked ${ofB.join(',')}`]);
        await expect.poll(() => a.events.length, { timeout: 15_000 }).toBe(5);
        expect(a.events.slice(3)).toEqual([`revoked ${ofA.join(',')}`, 'assigned 0,1,2,3']);

        producing = false;
        await production;
        const end = await broker.endOffsets(topic);
        await expect
          .poll(() => handedBy('a').filter((h) => h.offset === end[h.partition] - 1).length, { timeout: 15_000 })
          .toBe(partitions);
      } finally {
        producing = false;
        await production;
        await a.consumer.close();
        await b.consumer.close();
        await producer.close();
      }

      // Every record was handed over exactly once, across both members and three generations.
      const end = await broker.endOffsets(topic);
      for (let p = 0; p < partitions; p++) {
        const offsets = handed.filter((h) => h.partition === p).map((h) => h.offset);
        expect(offsets).toEqual(Array.from({ length: end[p] }, (_, i) => i));
      }
    });
  });
});
