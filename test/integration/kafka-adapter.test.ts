/**
 * What only the Kafka adapter has to get right, against the real broker: topics usable as soon as
 * they are created, transactions with consumer offsets, their timeout, fencing of a zombie
 * transactional producer, bounded reads of a compacted changelog, the rebalance callbacks kafkajs
 * does not have (emulated in src/broker/kafka/), and the co-partitioned, sticky task assignment.
 * The first use of a brand-new cluster is in kafka-fresh-broker.test.ts.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProducerFencedError as EmbeddedProducerFencedError } from '../../src/broker/embedded/index.js';
import { ProducerFencedError as SharedProducerFencedError } from '../../src/broker/errors.js';
import { KafkaBroker, ProducerFencedError } from '../../src/broker/kafka/index.js';
import { assignTasks, type TaskMember } from '../../src/broker/kafka/task-assignor.js';
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

  it('creates topics that are served at once, and reports a missing topic as undefined', async () => {
    const names = [uniqueName('ready-a'), uniqueName('ready-b'), uniqueName('ready-c')];
    await broker.createTopics(names.map((name, i) => ({ name, partitions: 2 + i })));
    // No wait in between: createTopics resolved once every partition had a leader serving it.
    expect(await Promise.all(names.map((name) => broker.partitionCount(name)))).toEqual([2, 3, 4]);
    expect(await broker.endOffsets(names[2])).toEqual([0, 0, 0, 0]);
    const producer = broker.producer();
    await producer.connect();
    try {
      await producer.send(names.map((name) => record(name, 1, 'k', name)));
    } finally {
      await producer.close();
    }
    expect(await broker.endOffsets(names[0])).toEqual([0, 1]);
    // Creating them again (and a new one alongside) is a no-op for the existing ones.
    const extra = uniqueName('ready-d');
    await broker.createTopics([...names.map((name) => ({ name, partitions: 9 })), { name: extra, partitions: 1 }]);
    expect(await Promise.all([...names, extra].map((name) => broker.partitionCount(name)))).toEqual([2, 3, 4, 1]);
    expect(await broker.partitionCount(uniqueName('never-created'))).toBeUndefined();
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

    it("aborts a dead producer's transaction after its timeout, so read_committed readers are held up no longer", async () => {
      const topic = uniqueName('txn-timeout');
      await broker.createTopics([{ name: topic, partitions: 1 }]);
      // The timeout reaches the broker: one above its maximum (transaction.max.timeout.ms, 15 min) is refused.
      const refused = broker.producer({ transactionalId: uniqueName('too-long'), transactionTimeoutMs: 900_001 });
      await expect(refused.connect()).rejects.toThrow(/transaction timeout is larger/);
      await refused.close();

      const dead = broker.producer({ transactionalId: uniqueName('dead'), transactionTimeoutMs: 1_000 });
      try {
        await dead.connect();
        await dead.beginTransaction();
        await dead.send([record(topic, 0, 'k', 'never-committed')]);
        // The producer stops here as if its process died. The broker aborts its transaction once the
        // timeout has passed, at its next check for expired ones (every 10 s by default).
        const started = Date.now();
        expect(await values(topic, 'read_committed')).toEqual([]);
        expect(Date.now() - started).toBeLessThan(15_000);
        await expect(dead.commitTransaction()).rejects.toBeInstanceOf(ProducerFencedError);
      } finally {
        await dead.close();
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
        // One class for both adapters, so the runtime checks one.
        expect(ProducerFencedError).toBe(SharedProducerFencedError);
        expect(EmbeddedProducerFencedError).toBe(SharedProducerFencedError);

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
      // The cleaner may take another pass at any time: the reads are checked against the log as it
      // was both before and after them.
      for (let attempt = 1; ; attempt++) {
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
        // The whole log, and a range past the end (capped at the end offset instead of waiting).
        const all: ConsumedRecord[] = [];
        await broker.readPartition({ topic, partition: 0 }, 0, end + 50, (batch) => all.push(...batch));

        const after = await offsetsInLog(topic, end);
        const unchanged = after.size === reference.size && [...after.keys()].every((o) => reference.has(o));
        if (!unchanged && attempt < 5) {
          reference = after;
          continue;
        }
        expect(read.map((r) => r.value!.toString())).toEqual(expected);
        expect(all.map((r) => r.offset)).toEqual(present);
        expect(all.at(-1)!.key!.toString()).toBe('tail');
        break;
      }
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

  describe('task assignment', () => {
    const tp = ({ topic, partition }: TopicPartition) => `${topic}-${partition}`;
    /** Partition numbers (tasks) of a member, checking each covers every topic given (co-partitioning). */
    function tasksOf(partitions: TopicPartition[], topics: string[]): number[] {
      const numbers = [...new Set(partitions.map((p) => p.partition))].sort((x, y) => x - y);
      const held = new Set(partitions.map(tp));
      for (const n of numbers) for (const topic of topics) expect(held.has(`${topic}-${n}`)).toBe(true);
      return numbers;
    }

    /** Resolves once every member holds `counts[i]` partitions and together they hold every partition once. */
    async function settled(members: Consumer[], counts: number[], total: number): Promise<void> {
      await expect
        .poll(
          () => {
            const held = members.map((m) => m.assignment());
            const all = new Set(held.flat().map(tp));
            return held.every((h, i) => h.length === counts[i]) && all.size === total;
          },
          { timeout: 30_000, interval: 100 },
        )
        .toBe(true);
    }

    it('keeps partition N of every topic on one member, balanced, and moves as few tasks as possible', async () => {
      const left = uniqueName('tasks-left');
      const right = uniqueName('tasks-right');
      const group = uniqueName('tasks-group');
      const topics = [left, right];
      await broker.createTopics([
        { name: left, partitions: 6 },
        { name: right, partitions: 6 },
      ]);
      // The shortest session Kafka allows by default: heartbeats every 2 s, so members notice rebalances sooner.
      const member = (hostInfo: string) => broker.consumer({ groupId: group, topics, hostInfo, sessionTimeoutMs: 6_000 });
      const [one, two, three] = [member('one:1'), member('two:2'), member('three:3')];
      try {
        await one.run(async () => undefined);
        await settled([one], [12], 12);
        expect(tasksOf(one.assignment(), topics)).toEqual([0, 1, 2, 3, 4, 5]);

        await two.run(async () => undefined);
        await settled([one, two], [6, 6], 12);
        const oneBefore = tasksOf(one.assignment(), topics);
        const twoBefore = tasksOf(two.assignment(), topics);
        // `one` held everything: it keeps the share the balance allows (its lowest tasks).
        expect(oneBefore).toEqual([0, 1, 2]);
        expect(twoBefore).toEqual([3, 4, 5]);

        // A third member takes one task from each; the others keep the rest of theirs.
        await three.run(async () => undefined);
        await settled([one, two, three], [4, 4, 4], 12);
        const oneAfter = tasksOf(one.assignment(), topics);
        const twoAfter = tasksOf(two.assignment(), topics);
        const threeAfter = tasksOf(three.assignment(), topics);
        expect(oneAfter).toHaveLength(2);
        expect(twoAfter).toHaveLength(2);
        expect(oneBefore).toEqual(expect.arrayContaining(oneAfter));
        expect(twoBefore).toEqual(expect.arrayContaining(twoAfter));
        expect([...oneAfter, ...twoAfter, ...threeAfter].sort()).toEqual([0, 1, 2, 3, 4, 5]);

        // Every member sees the whole group: host info and partitions of each, itself included.
        const expectedGroup = [
          { hostInfo: 'one:1', partitions: one.assignment().map(tp).sort() },
          { hostInfo: 'three:3', partitions: three.assignment().map(tp).sort() },
          { hostInfo: 'two:2', partitions: two.assignment().map(tp).sort() },
        ];
        for (const m of [one, two, three]) {
          const seen = m.groupAssignment!()
            .map((g) => ({ hostInfo: g.hostInfo, partitions: g.partitions.map(tp).sort() }))
            .sort((x, y) => x.hostInfo!.localeCompare(y.hostInfo!));
          expect(seen).toEqual(expectedGroup);
        }

        // `two` leaves: its tasks are split between the others, who keep theirs.
        await two.close();
        await settled([one, three], [6, 6], 12);
        expect(tasksOf(one.assignment(), topics)).toEqual(expect.arrayContaining(oneAfter));
        expect(tasksOf(three.assignment(), topics)).toEqual(expect.arrayContaining(threeAfter));
        expect(one.groupAssignment!().map((g) => g.hostInfo).sort()).toEqual(['one:1', 'three:3']);
      } finally {
        await Promise.all([one.close(), two.close(), three.close()]);
      }
    });

    it('deals out partition numbers across topics with different partition counts', async () => {
      const wide = uniqueName('tasks-wide');
      const narrow = uniqueName('tasks-narrow');
      const group = uniqueName('tasks-uneven');
      const topics = [wide, narrow];
      await broker.createTopics([
        { name: wide, partitions: 4 },
        { name: narrow, partitions: 2 },
      ]);
      const member = () => broker.consumer({ groupId: group, topics, sessionTimeoutMs: 6_000 });
      const [a, b] = [member(), member()];
      try {
        await a.run(async () => undefined);
        await b.run(async () => undefined);
        // Tasks 0 and 1 have a partition of each topic, tasks 2 and 3 only one: two tasks each.
        await expect
          .poll(() => [a, b].map((m) => new Set(m.assignment().map((p) => p.partition)).size), { timeout: 30_000 })
          .toEqual([2, 2]);
        await settled([a, b], [a.assignment().length, b.assignment().length], 6);
        for (const m of [a, b]) {
          const held = new Set(m.assignment().map(tp));
          for (const p of m.assignment()) {
            if (p.partition < 2) expect(held.has(`${narrow}-${p.partition}`) && held.has(`${wide}-${p.partition}`)).toBe(true);
          }
          // No host info given: the group assignment still lists both members, without it.
          expect(m.groupAssignment!().map((g) => g.hostInfo)).toEqual([undefined, undefined]);
        }
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    describe('the assignment rule (leader side)', () => {
      const counts = new Map([
        ['l', 6],
        ['r', 6],
      ]);
      const owned = (...tasks: number[]) => tasks.flatMap((partition) => [{ topic: 'l', partition }, { topic: 'r', partition }]);
      const member = (memberId: string, generation: number, ownedTasks: number[]): TaskMember => ({
        memberId,
        topics: ['l', 'r'],
        generation,
        owned: owned(...ownedTasks),
      });
      const tasks = (assignment: Map<string, TopicPartition[]>, memberId: string) =>
        [...new Set(assignment.get(memberId)!.map((p) => p.partition))].sort((x, y) => x - y);

      it('settles a task claimed by two members for the newer generation', () => {
        // `stale` missed a rebalance and still claims task 2, which `fresh` got since.
        const result = assignTasks([member('stale', 3, [0, 1, 2]), member('fresh', 4, [2, 3, 4, 5])], counts);
        expect(tasks(result, 'fresh')).toEqual([2, 3, 4]);
        expect(tasks(result, 'stale')).toEqual([0, 1, 5]);
      });

      it('stays balanced, complete and as sticky as the balance allows, whatever the claims', () => {
        let seed = 7;
        const random = (n: number) => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return seed % n;
        };
        for (let round = 0; round < 300; round++) {
          const taskCount = 1 + random(12);
          const partitionCounts = new Map([
            ['l', taskCount],
            ['r', 1 + random(taskCount)],
          ]);
          // Each task last held by one member or by none (new tasks, members that left).
          const memberCount = 1 + random(5);
          const holder = Array.from({ length: taskCount }, () => random(memberCount + 2));
          const members = Array.from({ length: memberCount }, (_, i) =>
            member(`m${i}`, 5, holder.flatMap((h, t) => (h === i ? [t] : []))),
          );
          const result = assignTasks(members, partitionCounts);
          const all = [...result.values()].flat().map(tp).sort();
          const expected = [...partitionCounts].flatMap(([topic, n]) => Array.from({ length: n }, (_, p) => `${topic}-${p}`)).sort();
          expect(all).toEqual(expected);
          const loads = members.map((m) => tasks(result, m.memberId).length);
          expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
          for (const m of members) {
            const held = [...new Set(m.owned.map((p) => p.partition))];
            const kept = tasks(result, m.memberId).filter((t) => held.includes(t));
            expect(kept.length).toBeGreaterThanOrEqual(Math.min(held.length, Math.floor(taskCount / memberCount)));
          }
        }
      });
    });
  });
});
