/**
 * The embedded broker: the shared conformance suite (memory-only), then what only the embedded
 * broker has: persistence in a data directory, its lock, sharing one instance in a process,
 * co-partitioned group assignment, and how zombies and failures are handled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedBroker, ProducerFencedError } from '../../src/broker/embedded/index.js';
import type { Broker, ConsumedRecord, Consumer, ProducerRecord, RecordBatch, TopicPartition } from '../../src/broker/types.js';
import { brokerConformanceSuite } from './cases.js';

brokerConformanceSuite('embedded', async () => new EmbeddedBroker(), { waitTimeoutMs: 5_000, quietPeriodMs: 300 });

const WAIT_MS = 5_000;

async function waitFor(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await sleep(10);
  }
}

function textRecord(topic: string, partition: number, value: string, extra: Partial<ProducerRecord> = {}): ProducerRecord {
  return { topic, partition, key: null, value: Buffer.from(value), timestamp: 1_000, ...extra };
}

async function readAll(broker: Broker, tp: TopicPartition): Promise<ConsumedRecord[]> {
  const [end] = (await broker.endOffsets(tp.topic)).slice(tp.partition);
  const records: ConsumedRecord[] = [];
  await broker.readPartition(tp, 0, end, (batch) => records.push(...batch));
  return records;
}

function snapshot(records: readonly ConsumedRecord[]) {
  return records.map((record) => ({
    offset: record.offset,
    key: record.key?.toString() ?? null,
    value: record.value?.toString() ?? null,
    timestamp: record.timestamp,
    headers: Object.fromEntries(Object.entries(record.headers).map(([name, bytes]) => [name, bytes.toString()])),
  }));
}

const openBrokers: Broker[] = [];
const tempDirs: string[] = [];

async function connected(broker: EmbeddedBroker): Promise<EmbeddedBroker> {
  await broker.connect();
  openBrokers.push(broker);
  return broker;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-embedded-'));
  tempDirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const broker of openBrokers.splice(0)) await broker.close();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('embedded broker: persistence', () => {
  it('brings back topics, records, transaction markers and committed offsets after a restart', async () => {
    const dataDir = tempDir();
    const first = await connected(new EmbeddedBroker({ dataDir }));
    await first.createTopics([
      { name: 'events', partitions: 2, config: { 'cleanup.policy': 'compact' } },
      { name: 'doomed', partitions: 1 },
    ]);
    const producer = first.producer();
    await producer.connect();
    await producer.send([
      textRecord('events', 0, 'a', { key: Buffer.from('k1'), timestamp: 11, headers: { trace: Buffer.from('t1'), 'ü': Buffer.from('') } }),
      textRecord('events', 0, 'b', { timestamp: 12 }),
      { topic: 'events', partition: 1, key: Buffer.from('k2'), value: null, timestamp: 13 },
    ]);
    const transactional = first.producer({ transactionalId: 'tx' });
    await transactional.connect();
    await transactional.beginTransaction();
    await transactional.send([textRecord('events', 1, 'in-transaction', { timestamp: 14 })]);
    await transactional.sendOffsets('other-group', [{ topic: 'events', partition: 1, offset: 1 }]);
    await transactional.commitTransaction();
    await first.deleteTopics(['doomed']);

    const consumer = first.consumer({ groupId: 'readers', topics: ['events'] });
    let received = 0;
    await consumer.run(async (batch) => {
      received += batch.records.length;
      if (batch.partition === 0) await consumer.commit([{ topic: 'events', partition: 0, offset: 1 }]);
    });
    await waitFor('4 records', () => received === 4);
    await consumer.close();

    const before = {
      p0: snapshot(await readAll(first, { topic: 'events', partition: 0 })),
      p1: snapshot(await readAll(first, { topic: 'events', partition: 1 })),
      ends: await first.endOffsets('events'),
    };
    expect(before.ends).toEqual([2, 3]); // partition 1: a record, a transactional record, its marker
    await first.close();
    openBrokers.splice(openBrokers.indexOf(first), 1);

    const second = await connected(new EmbeddedBroker({ dataDir }));
    expect(await second.listTopics()).toEqual(['events']);
    expect(await second.partitionCount('events')).toBe(2);
    expect(await second.endOffsets('events')).toEqual(before.ends);
    expect(snapshot(await readAll(second, { topic: 'events', partition: 0 }))).toEqual(before.p0);
    expect(snapshot(await readAll(second, { topic: 'events', partition: 1 }))).toEqual(before.p1);
    expect(before.p0[0].headers).toEqual({ trace: 't1', 'ü': '' });
    expect(await second.committedOffsets('readers', 'events')).toEqual([1, null]);
    expect(await second.committedOffsets('other-group', 'events')).toEqual([null, 1]);

    const resumed: string[] = [];
    const again = second.consumer({ groupId: 'readers', topics: ['events'] });
    await again.run(async (batch) => {
      if (batch.partition === 0) resumed.push(...batch.records.map((record) => record.value!.toString()));
    });
    await waitFor('partition 0 after the committed offset', () => resumed.length === 1);
    expect(resumed).toEqual(['b']);
    await again.close();

    // Appends after the restart continue the offsets.
    const producerAgain = second.producer();
    await producerAgain.connect();
    await producerAgain.send([textRecord('events', 0, 'c')]);
    expect((await readAll(second, { topic: 'events', partition: 0 })).map((record) => record.offset)).toEqual([0, 1, 2]);
  });

  it('cuts off a torn write at the end of a segment and keeps appending after the last whole record', async () => {
    const dataDir = tempDir();
    const first = await connected(new EmbeddedBroker({ dataDir }));
    await first.createTopics([{ name: 'torn', partitions: 1 }]);
    const producer = first.producer();
    await producer.connect();
    await producer.send([textRecord('torn', 0, 'one'), textRecord('torn', 0, 'two')]);
    await first.close();
    openBrokers.splice(openBrokers.indexOf(first), 1);

    const segment = join(dataDir, 'logs', 'torn', '0.log');
    const wholeSize = statSync(segment).size;
    appendFileSync(segment, Buffer.from([40, 0, 0, 0, 0, 1, 2])); // a frame header promising 40 bytes, and 3 of them

    const second = await connected(new EmbeddedBroker({ dataDir }));
    expect(statSync(segment).size).toBe(wholeSize);
    const producerAgain = second.producer();
    await producerAgain.connect();
    await producerAgain.send([textRecord('torn', 0, 'three')]);
    await second.close();
    openBrokers.splice(openBrokers.indexOf(second), 1);

    const third = await connected(new EmbeddedBroker({ dataDir }));
    const records = await readAll(third, { topic: 'torn', partition: 0 });
    expect(records.map((record) => [record.offset, record.value!.toString()])).toEqual([
      [0, 'one'],
      [1, 'two'],
      [2, 'three'],
    ]);
  });

  it('locks its data dir against a second broker in the same process, and deletes topic files', async () => {
    const dataDir = tempDir();
    const owner = await connected(new EmbeddedBroker({ dataDir }));
    await expect(new EmbeddedBroker({ dataDir }).connect()).rejects.toThrow(/already open in this process.*shared/);

    await owner.createTopics([{ name: 'short-lived', partitions: 2 }]);
    expect(readdirSync(join(dataDir, 'logs'))).toContain('short-lived');
    await owner.deleteTopics(['short-lived']);
    expect(readdirSync(join(dataDir, 'logs'))).not.toContain('short-lived');
    await owner.close();
    openBrokers.splice(openBrokers.indexOf(owner), 1);

    const next = await connected(new EmbeddedBroker({ dataDir }));
    expect(await next.listTopics()).toEqual([]);
  });
});

describe('embedded broker: sharing and lifecycle', () => {
  it('shares one instance per data dir, stopping it only at the last close', async () => {
    const dataDir = tempDir();
    const shared = EmbeddedBroker.shared(dataDir);
    expect(EmbeddedBroker.shared(dataDir)).toBe(shared);
    expect(EmbeddedBroker.shared()).not.toBe(shared);

    await shared.connect();
    await shared.connect();
    await shared.createTopics([{ name: 'shared', partitions: 1 }]);
    await shared.close();
    expect(await shared.listTopics()).toEqual(['shared']);
    await shared.close();
    await expect(shared.listTopics()).rejects.toThrow(/not connected/);
  });

  it('keeps a memory-only broker\'s data across a close and a new connect', async () => {
    const broker = new EmbeddedBroker();
    await broker.connect();
    await broker.createTopics([{ name: 'kept', partitions: 1 }]);
    const producer = broker.producer();
    await producer.connect();
    await producer.send([textRecord('kept', 0, 'v')]);
    await broker.close();
    await expect(producer.send([textRecord('kept', 0, 'late')])).rejects.toThrow(/closed/);

    await connected(broker);
    expect(await broker.endOffsets('kept')).toEqual([1]);
  });

  it('names unknown topics and partitions in its errors', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([{ name: 'known', partitions: 2 }]);
    const producer = broker.producer();
    await producer.connect();
    await expect(producer.send([textRecord('unknown', 0, 'v')])).rejects.toThrow("topic 'unknown' does not exist");
    await expect(producer.send([textRecord('known', 2, 'v')])).rejects.toThrow(
      "partition 2 of topic 'known' does not exist (it has 2 partitions)",
    );
    await expect(broker.endOffsets('unknown')).rejects.toThrow("topic 'unknown' does not exist");
    await expect(broker.consumer({ groupId: 'g', topics: ['unknown'] }).run(async () => {})).rejects.toThrow(
      "topic 'unknown' does not exist",
    );
    await expect(broker.createTopics([{ name: 'bad/name', partitions: 1 }])).rejects.toThrow(/invalid topic name/);
    // A send with one bad record appends none of them.
    await expect(producer.send([textRecord('known', 0, 'ok'), textRecord('known', 9, 'bad')])).rejects.toThrow();
    expect(await broker.endOffsets('known')).toEqual([0, 0]);
  });

  it('refuses to set the committed offsets of a group with live members', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([{ name: 'in', partitions: 1 }]);
    const consumer = broker.consumer({ groupId: 'busy', topics: ['in'] });
    await consumer.run(async () => {});
    await expect(broker.setCommittedOffsets('busy', [{ topic: 'in', partition: 0, offset: 0 }])).rejects.toThrow(
      /active members/,
    );
    await consumer.close();
    await broker.setCommittedOffsets('busy', [{ topic: 'in', partition: 0, offset: 0 }]);
    expect(await broker.committedOffsets('busy', 'in')).toEqual([0]);
  });
});

describe('embedded broker: transactions', () => {
  it('fences a zombie producer when a newer one registers the same transactional id', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([{ name: 'out', partitions: 1 }, { name: 'in', partitions: 1 }]);
    const zombie = broker.producer({ transactionalId: 'app-0_0' });
    await zombie.connect();
    await zombie.beginTransaction();
    await zombie.send([textRecord('out', 0, 'from-zombie')]);
    await zombie.sendOffsets('app', [{ topic: 'in', partition: 0, offset: 7 }]);

    const successor = broker.producer({ transactionalId: 'app-0_0' });
    await successor.connect();

    const fenced = zombie.commitTransaction();
    await expect(fenced).rejects.toBeInstanceOf(ProducerFencedError);
    await expect(zombie.commitTransaction()).rejects.toThrow(
      "producer with transactionalId 'app-0_0' has been fenced by a newer producer with the same id",
    );
    await expect(zombie.beginTransaction()).rejects.toBeInstanceOf(ProducerFencedError);
    await expect(zombie.send([textRecord('out', 0, 'late')])).rejects.toBeInstanceOf(ProducerFencedError);

    await successor.beginTransaction();
    await successor.send([textRecord('out', 0, 'from-successor')]);
    await successor.sendOffsets('app', [{ topic: 'in', partition: 0, offset: 3 }]);
    await successor.commitTransaction();

    expect((await readAll(broker, { topic: 'out', partition: 0 })).map((record) => record.value!.toString())).toEqual([
      'from-successor',
    ]);
    expect(await broker.committedOffsets('app', 'in')).toEqual([3]);
    await zombie.close();
  });

  it('marks the end of every transaction with an offset that is never delivered', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([{ name: 'tx', partitions: 2 }]);
    const producer = broker.producer({ transactionalId: 'marker' });
    await producer.connect();
    await producer.beginTransaction();
    await producer.send([textRecord('tx', 0, 'c1'), textRecord('tx', 0, 'c2')]);
    await producer.commitTransaction();
    await producer.beginTransaction();
    await producer.send([textRecord('tx', 0, 'a1')]);
    await producer.abortTransaction();
    await producer.beginTransaction();
    await producer.commitTransaction();

    // c1, c2, commit marker, abort marker; the empty transaction touched no partition.
    expect(await broker.endOffsets('tx')).toEqual([4, 0]);
    expect((await readAll(broker, { topic: 'tx', partition: 0 })).map((record) => record.offset)).toEqual([0, 1]);
    await expect(producer.send([textRecord('tx', 0, 'outside')])).rejects.toThrow(/no open transaction/);
    const plain = broker.producer();
    await plain.connect();
    await expect(plain.beginTransaction()).rejects.toThrow(/transactionalId/);
  });
});

describe('embedded broker: consumer groups', () => {
  async function startMember(broker: Broker, groupId: string, topics: string[], received: RecordBatch[] = []) {
    const errors: Error[] = [];
    const consumer = broker.consumer({ groupId, topics });
    await consumer.run(
      async (batch) => {
        received.push(batch);
      },
      (err) => errors.push(err),
    );
    return { consumer, errors, received };
  }

  it('gives each member the same partition numbers of co-partitioned topics', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([
      { name: 'orders', partitions: 4 },
      { name: 'customers', partitions: 4 },
    ]);
    const a = await startMember(broker, 'joiner', ['orders', 'customers']);
    const b = await startMember(broker, 'joiner', ['orders', 'customers']);
    for (const member of [a, b]) {
      const assignment = member.consumer.assignment();
      const numbers = (topic: string) =>
        assignment
          .filter((tp) => tp.topic === topic)
          .map((tp) => tp.partition)
          .sort();
      expect(numbers('orders')).toHaveLength(2);
      expect(numbers('customers')).toEqual(numbers('orders'));
    }
    await b.consumer.close();
    expect(a.consumer.assignment()).toHaveLength(8);
    await a.consumer.close();
  });

  it('moves as few partitions as balance allows when members join', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([{ name: 'spread', partitions: 6 }]);
    const partitionsOf = (member: { consumer: { assignment(): TopicPartition[] } }) =>
      member.consumer
        .assignment()
        .map((tp) => tp.partition)
        .sort();
    const a = await startMember(broker, 'spreaders', ['spread']);
    const b = await startMember(broker, 'spreaders', ['spread']);
    const aBefore = partitionsOf(a);
    const bBefore = partitionsOf(b);
    expect([aBefore.length, bBefore.length]).toEqual([3, 3]);

    const c = await startMember(broker, 'spreaders', ['spread']);
    expect([partitionsOf(a), partitionsOf(b), partitionsOf(c)].map((owned) => owned.length)).toEqual([2, 2, 2]);
    expect(aBefore).toEqual(expect.arrayContaining(partitionsOf(a)));
    expect(bBefore).toEqual(expect.arrayContaining(partitionsOf(b)));
    for (const member of [a, b, c]) await member.consumer.close();
  });

  it("shows every member the whole group's assignment with each member's hostInfo", async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([{ name: 'served', partitions: 4 }]);
    const partitions = (tps: TopicPartition[]) => tps.map((tp) => tp.partition).sort();
    const view = (consumer: Consumer) =>
      consumer
        .groupAssignment!()
        .map((member) => ({ hostInfo: member.hostInfo, partitions: partitions(member.partitions) }))
        .sort((x, y) => x.hostInfo!.localeCompare(y.hostInfo!));
    const seenByListener: ReturnType<typeof view>[] = [];
    const one = broker.consumer({ groupId: 'servers', topics: ['served'], hostInfo: 'one:1' });
    expect(one.groupAssignment!()).toEqual([]);
    await one.run(async () => undefined);
    const two: Consumer = broker.consumer({
      groupId: 'servers',
      topics: ['served'],
      hostInfo: 'two:2',
      rebalanceListener: { onPartitionsAssigned: () => void seenByListener.push(view(two)) },
    });
    await two.run(async () => undefined);

    const expected = [
      { hostInfo: 'one:1', partitions: partitions(one.assignment()) },
      { hostInfo: 'two:2', partitions: partitions(two.assignment()) },
    ];
    expect(expected.map((member) => member.partitions.length)).toEqual([2, 2]);
    expect(view(one)).toEqual(expected);
    expect(view(two)).toEqual(expected);
    expect(seenByListener).toEqual([expected]);

    await one.close();
    expect(view(two)).toEqual([{ hostInfo: 'two:2', partitions: [0, 1, 2, 3] }]);
    await two.close();
  });

  it('rejects a batch size that could never deliver anything', async () => {
    const broker = await connected(new EmbeddedBroker());
    expect(() => broker.consumer({ groupId: 'g', topics: ['t'], maxBatchRecords: 0 })).toThrow(/positive integer/);
  });

  it('hands the partitions of a member whose handler failed to the others, without revoking them', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([{ name: 'work', partitions: 2 }]);
    const errors: Error[] = [];
    const revokedAfterFailure: TopicPartition[] = [];
    const failing = broker.consumer({
      groupId: 'workers',
      topics: ['work'],
      rebalanceListener: {
        onPartitionsRevoked: (partitions) => {
          if (errors.length) revokedAfterFailure.push(...partitions);
        },
      },
    });
    await failing.run(
      async () => {
        throw new Error('cannot process');
      },
      (err) => errors.push(err),
    );
    const healthy = await startMember(broker, 'workers', ['work']);
    expect(failing.assignment()).toHaveLength(1);

    const producer = broker.producer();
    await producer.connect();
    await producer.send([textRecord('work', 0, 'x'), textRecord('work', 1, 'y')]);
    await waitFor('the failure', () => errors.length === 1);
    await waitFor('the healthy member to own both partitions', () => healthy.consumer.assignment().length === 2);
    await waitFor('both records at the healthy member', () => healthy.received.flatMap((b) => b.records).length >= 2);
    expect(failing.assignment()).toEqual([]);
    await failing.close();
    expect(revokedAfterFailure).toEqual([]);
    await healthy.consumer.close();
  });

  it('rebalances when a subscribed topic is deleted', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([
      { name: 'stays', partitions: 1 },
      { name: 'goes', partitions: 1 },
    ]);
    const member = await startMember(broker, 'watchers', ['stays', 'goes']);
    expect(member.consumer.assignment()).toHaveLength(2);
    await broker.deleteTopics(['goes']);
    await waitFor('the deleted topic to be revoked', () => member.consumer.assignment().length === 1);
    expect(member.consumer.assignment()).toEqual([{ topic: 'stays', partition: 0 }]);
    await member.consumer.close();
  });

  it('commits only partitions the consumer owns', async () => {
    const broker = await connected(new EmbeddedBroker());
    await broker.createTopics([{ name: 'owned', partitions: 2 }]);
    const first = await startMember(broker, 'owners', ['owned']);
    const second = await startMember(broker, 'owners', ['owned']);
    const [notMine] = second.consumer.assignment();
    await expect(first.consumer.commit([{ ...notMine, offset: 0 }])).rejects.toThrow(/not assigned to this consumer/);
    await second.consumer.close();
    await first.consumer.close();
  });
});
