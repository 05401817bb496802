/**
 * The broker conformance suite: the semantics of the `Broker` interface that every adapter must
 * share, so a topology behaves the same on the embedded broker and on Apache Kafka. Each adapter's
 * test file calls `brokerConformanceSuite` once.
 *
 * Only the `Broker` interface is used. Every topic, group and transactional id is unique, so the
 * suite runs against a shared Kafka cluster; asynchronous effects (rebalances, deliveries) are
 * awaited by polling with a bounded wait, never by fixed sleeps, except where the point is that
 * nothing arrives (paused partitions, a stopped consumer).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { partitionForKey } from '../../src/broker/partitioner.js';
import type {
  Broker,
  ConsumedRecord,
  Consumer,
  ConsumerOptions,
  Producer,
  ProducerOptions,
  ProducerRecord,
  RecordBatch,
  TopicPartition,
  TopicSpec,
} from '../../src/broker/types.js';
import { uniqueName } from '../helpers/services.js';

export interface ConformanceOptions {
  /** Names for topics, groups and transactional ids that nothing else uses. Default: `uniqueName`. */
  uniqueName?: (prefix: string) => string;
  /** Upper bound on waiting for anything asynchronous (a delivery, a rebalance). Default 30 s. */
  waitTimeoutMs?: number;
  /** How long to watch that nothing arrives (paused partition, stopped consumer). Default 1 s. */
  quietPeriodMs?: number;
}

const BASE_TIMESTAMP = 1_700_000_000_000;

interface RebalanceEvent {
  member: string;
  kind: 'assigned' | 'revoked';
  partitions: number[];
}

interface ProbeSettings {
  /** Name used in rebalance events. */
  member?: string;
  /** Shared log of rebalance callbacks, in the order they completed. */
  events?: RebalanceEvent[];
  /** Commit each batch's offsets from the handler. */
  commitEachBatch?: boolean;
  /** Makes `onPartitionsRevoked` take this long, to show it is awaited. */
  revokeDelayMs?: number;
  /** Runs before a batch is recorded; a throw stops the consumer. */
  beforeBatch?: (batch: RecordBatch) => void;
}

/** A consumer that records what it receives and what its rebalance listener is told. */
class ConsumerProbe {
  readonly consumer: Consumer;
  readonly batches: RecordBatch[] = [];
  readonly errors: Error[] = [];
  handlerCalls = 0;

  constructor(
    broker: Broker,
    options: Omit<ConsumerOptions, 'rebalanceListener'>,
    private readonly settings: ProbeSettings = {},
  ) {
    const member = settings.member ?? 'probe';
    const events = settings.events ?? [];
    this.consumer = broker.consumer({
      ...options,
      rebalanceListener: {
        onPartitionsAssigned: (partitions) => {
          events.push({ member, kind: 'assigned', partitions: partitions.map((tp) => tp.partition) });
        },
        onPartitionsRevoked: async (partitions) => {
          if (settings.revokeDelayMs) await sleep(settings.revokeDelayMs);
          events.push({ member, kind: 'revoked', partitions: partitions.map((tp) => tp.partition) });
        },
      },
    });
  }

  start(): Promise<void> {
    return this.consumer.run(
      async (batch) => {
        this.handlerCalls++;
        this.settings.beforeBatch?.(batch);
        this.batches.push(batch);
        if (this.settings.commitEachBatch) {
          const last = batch.records[batch.records.length - 1];
          await this.consumer.commit([{ topic: batch.topic, partition: batch.partition, offset: last.offset + 1 }]);
        }
      },
      (err) => this.errors.push(err),
    );
  }

  get records(): ConsumedRecord[] {
    return this.batches.flatMap((batch) => batch.records);
  }

  recordsOf(partition: number): ConsumedRecord[] {
    return this.records.filter((record) => record.partition === partition);
  }

  ownedPartitions(): number[] {
    return this.consumer
      .assignment()
      .map((tp) => tp.partition)
      .sort((a, b) => a - b);
  }
}

/** A comparable view of a record: bytes as text, headers as a plain object of text. */
function view(record: { key: Buffer | null; value: Buffer | null; timestamp: number; headers?: Record<string, Buffer> }) {
  return {
    key: record.key?.toString() ?? null,
    value: record.value?.toString() ?? null,
    timestamp: record.timestamp,
    headers: Object.fromEntries(Object.entries(record.headers ?? {}).map(([name, bytes]) => [name, bytes.toString()])),
  };
}

function valuesOf(records: readonly ConsumedRecord[]): (string | null)[] {
  return records.map((record) => record.value?.toString() ?? null);
}

function textRecord(topic: string, partition: number, value: string, timestamp = BASE_TIMESTAMP): ProducerRecord {
  return { topic, partition, key: null, value: Buffer.from(value), timestamp };
}

function isIncreasing(numbers: readonly number[]): boolean {
  return numbers.every((n, i) => i === 0 || n > numbers[i - 1]);
}

export function brokerConformanceSuite(
  adapterName: string,
  makeBroker: () => Promise<Broker>,
  options: ConformanceOptions = {},
): void {
  const name = options.uniqueName ?? uniqueName;
  const waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  const quietPeriodMs = options.quietPeriodMs ?? 1_000;

  let broker: Broker;
  const createdTopics = new Set<string>();
  let closeAfterTest: (() => Promise<void>)[] = [];

  async function waitFor(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
    const deadline = Date.now() + waitTimeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${waitTimeoutMs} ms waiting for ${what}`);
      await sleep(20);
    }
  }

  async function createTopics(...specs: TopicSpec[]): Promise<void> {
    specs.forEach((spec) => createdTopics.add(spec.name));
    await broker.createTopics(specs);
  }

  async function topic(prefix: string, partitions: number): Promise<string> {
    const topicName = name(prefix);
    await createTopics({ name: topicName, partitions });
    return topicName;
  }

  async function connectedProducer(producerOptions?: ProducerOptions): Promise<Producer> {
    const producer = broker.producer(producerOptions);
    await producer.connect();
    closeAfterTest.push(() => producer.close());
    return producer;
  }

  async function produce(records: ProducerRecord[]): Promise<void> {
    const producer = await connectedProducer();
    await producer.send(records);
  }

  async function startProbe(
    consumerOptions: Omit<ConsumerOptions, 'rebalanceListener'>,
    settings?: ProbeSettings,
  ): Promise<ConsumerProbe> {
    const probe = new ConsumerProbe(broker, consumerOptions, settings);
    closeAfterTest.push(() => probe.consumer.close());
    await probe.start();
    return probe;
  }

  describe(`broker conformance: ${adapterName}`, () => {
    beforeAll(async () => {
      broker = await makeBroker();
      await broker.connect();
    });

    afterEach(async () => {
      const closers = closeAfterTest.reverse();
      closeAfterTest = [];
      for (const close of closers) await close();
    });

    afterAll(async () => {
      if (!broker) return;
      const existing = new Set(await broker.listTopics());
      const leftovers = [...createdTopics].filter((topicName) => existing.has(topicName));
      if (leftovers.length) await broker.deleteTopics(leftovers);
      await broker.close();
    });

    describe('topics', () => {
      it('creates topics with their partition counts, and leaves existing ones as they are', async () => {
        const three = name('topics_three');
        const one = name('topics_one');
        await createTopics({ name: three, partitions: 3 }, { name: one, partitions: 1 });

        expect(await broker.listTopics()).toEqual(expect.arrayContaining([three, one]));
        expect(await broker.partitionCount(three)).toBe(3);
        expect(await broker.partitionCount(one)).toBe(1);

        await createTopics({ name: three, partitions: 5 });
        expect(await broker.partitionCount(three)).toBe(3);
        expect(await broker.partitionCount(name('topics_missing'))).toBeUndefined();
      });

      it('deletes topics', async () => {
        const doomed = await topic('topics_doomed', 2);
        await broker.deleteTopics([doomed]);
        await waitFor(`topic ${doomed} to disappear`, async () => !(await broker.listTopics()).includes(doomed));
        await waitFor(`topic ${doomed} to lose its partitions`, async () => (await broker.partitionCount(doomed)) === undefined);
      });
    });

    describe('producing and consuming', () => {
      it('delivers keyed records per partition in order, with keys, values, timestamps and headers intact', async () => {
        const partitions = 3;
        const target = await topic('roundtrip', partitions);
        const sent: ProducerRecord[] = [];
        for (let i = 0; i < 30; i++) {
          const key = Buffer.from(`user-${i % 7}`);
          sent.push({
            topic: target,
            partition: partitionForKey(key, partitions),
            key,
            value: Buffer.from(JSON.stringify({ i })),
            timestamp: BASE_TIMESTAMP + i * 1000,
            headers: { trace: Buffer.from(`trace-${i}`), 'content-type': Buffer.from('application/json') },
          });
        }
        // A tombstone without key or headers.
        sent.push({ topic: target, partition: 2, key: null, value: null, timestamp: BASE_TIMESTAMP - 1 });
        await produce(sent.slice(0, 12));
        await produce(sent.slice(12));

        const probe = await startProbe({ groupId: name('roundtrip_group'), topics: [target] });
        await waitFor(`${sent.length} records`, () => probe.records.length >= sent.length);

        expect(probe.records).toHaveLength(sent.length);
        const expectedCounts: number[] = [];
        for (let partition = 0; partition < partitions; partition++) {
          const expected = sent.filter((record) => record.partition === partition);
          const received = probe.recordsOf(partition);
          expectedCounts.push(expected.length);
          expect(received.map(view)).toEqual(expected.map(view));
          expect(received.map((record) => record.offset)).toEqual(expected.map((_, offset) => offset));
          expect(received.every((record) => record.topic === target)).toBe(true);
        }
        for (const batch of probe.batches) {
          expect(batch.topic).toBe(target);
          expect(batch.records.every((record) => record.partition === batch.partition)).toBe(true);
          expect(batch.highWatermark).toBeGreaterThan(batch.records[batch.records.length - 1].offset);
        }
        expect(await broker.endOffsets(target)).toEqual(expectedCounts);
        expect(await broker.beginningOffsets(target)).toEqual([0, 0, 0]);
      });

      it('awaits the handler before delivering the next batch of a partition, in batches of at most maxBatchRecords', async () => {
        const target = await topic('backpressure', 1);
        await produce(Array.from({ length: 5 }, (_, i) => textRecord(target, 0, `v${i}`)));
        let running = 0;
        let mostRunning = 0;
        let largestBatch = 0;
        const seen: string[] = [];
        const consumer = broker.consumer({ groupId: name('backpressure_group'), topics: [target], maxBatchRecords: 2 });
        closeAfterTest.push(() => consumer.close());
        await consumer.run(async (batch) => {
          running++;
          mostRunning = Math.max(mostRunning, running);
          largestBatch = Math.max(largestBatch, batch.records.length);
          await sleep(30);
          seen.push(...valuesOf(batch.records).map(String));
          running--;
        });
        await waitFor('5 records', () => seen.length >= 5);
        expect(mostRunning).toBe(1);
        expect(largestBatch).toBeLessThanOrEqual(2);
        expect(seen).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
      });

      it('rejects records for a partition the topic does not have', async () => {
        const target = await topic('bad_partition', 2);
        const producer = await connectedProducer();
        await expect(producer.send([textRecord(target, 5, 'nowhere')])).rejects.toThrow();
      });

      it('starts a group without commits at the end with autoOffsetReset latest', async () => {
        const target = await topic('latest', 1);
        await produce([0, 1, 2, 3, 4].map((i) => textRecord(target, 0, `old-${i}`)));
        const probe = await startProbe({ groupId: name('latest_group'), topics: [target], autoOffsetReset: 'latest' });
        await waitFor('the partition to be assigned', () => probe.ownedPartitions().length === 1);

        // Where "latest" is resolved after the assignment (Kafka), a record sent right after it may
        // land before the start position: send until one arrives.
        const producer = await connectedProducer();
        let sentNew = 0;
        await waitFor('a record sent after the consumer started', async () => {
          if (probe.records.length > 0) return true;
          await producer.send([textRecord(target, 0, `new-${sentNew++}`)]);
          await sleep(200);
          return probe.records.length > 0;
        });
        expect(probe.records.every((record) => record.offset >= 5)).toBe(true);
        expect(valuesOf(probe.records).every((value) => value?.startsWith('new-'))).toBe(true);
      });
    });

    describe('consumer groups', () => {
      it('resumes a group after the offsets a closed member committed', async () => {
        const target = await topic('resume', 1);
        const groupId = name('resume_group');
        await produce(Array.from({ length: 10 }, (_, i) => textRecord(target, 0, `v${i}`)));

        const first = await startProbe({ groupId, topics: [target] });
        await waitFor('10 records', () => first.records.length >= 10);
        await first.consumer.commit([{ topic: target, partition: 0, offset: 6 }]);
        await first.consumer.close();
        await waitFor('the commit to be visible', async () => (await broker.committedOffsets(groupId, target))[0] === 6);

        const second = await startProbe({ groupId, topics: [target] });
        await waitFor('the 4 uncommitted records', () => second.records.length >= 4);
        expect(second.records.map((record) => record.offset)).toEqual([6, 7, 8, 9]);
        expect(valuesOf(second.records)).toEqual(['v6', 'v7', 'v8', 'v9']);
      });

      it('sets committed offsets of a group without members', async () => {
        const target = await topic('set_offsets', 1);
        const groupId = name('set_offsets_group');
        await produce(Array.from({ length: 5 }, (_, i) => textRecord(target, 0, `v${i}`)));
        expect(await broker.committedOffsets(groupId, target)).toEqual([null]);

        await broker.setCommittedOffsets(groupId, [{ topic: target, partition: 0, offset: 3 }]);
        await waitFor('the offset to be set', async () => (await broker.committedOffsets(groupId, target))[0] === 3);

        const probe = await startProbe({ groupId, topics: [target] });
        await waitFor('the records after offset 3', () => probe.records.length >= 2);
        expect(probe.records.map((record) => record.offset)).toEqual([3, 4]);
      });

      it('splits partitions between members, revoking before reassigning, and loses no record', async () => {
        const partitions = 4;
        const target = await topic('group_split', partitions);
        const groupId = name('group_split_group');
        const events: RebalanceEvent[] = [];
        const sent: ProducerRecord[] = [];
        const producer = await connectedProducer();
        async function sendRound(round: number): Promise<ProducerRecord[]> {
          const records: ProducerRecord[] = [];
          for (let partition = 0; partition < partitions; partition++) {
            for (let i = 0; i < 4; i++) records.push(textRecord(target, partition, `r${round}-p${partition}-${i}`));
          }
          await producer.send(records);
          sent.push(...records);
          return records;
        }
        const settings = { events, commitEachBatch: true, revokeDelayMs: 200 };
        const a = await startProbe({ groupId, topics: [target] }, { ...settings, member: 'a' });
        await waitFor('a to own every partition', () => a.ownedPartitions().length === partitions);
        await sendRound(1);
        await waitFor('a to receive round 1', () => a.records.length >= partitions * 4);

        const b = await startProbe({ groupId, topics: [target] }, { ...settings, member: 'b' });
        const told = (member: string, kind: RebalanceEvent['kind'], partition: number, from = 0) =>
          events.findIndex((e, i) => i >= from && e.member === member && e.kind === kind && e.partitions.includes(partition));
        await waitFor('a and b to split the partitions', () => {
          const owned = [...a.ownedPartitions(), ...b.ownedPartitions()].sort((x, y) => x - y);
          return (
            a.ownedPartitions().length > 0 &&
            b.ownedPartitions().length > 0 &&
            owned.join() === '0,1,2,3' &&
            b.ownedPartitions().every((partition) => told('b', 'assigned', partition) >= 0)
          );
        });
        for (const partition of b.ownedPartitions()) {
          const revokedByA = told('a', 'revoked', partition);
          expect(revokedByA, `a's revocation of partition ${partition}`).toBeGreaterThanOrEqual(0);
          expect(told('b', 'assigned', partition), `b's assignment of partition ${partition}`).toBeGreaterThan(revokedByA);
        }

        const round2 = await sendRound(2);
        const received = () => new Set([...a.records, ...b.records].map((record) => record.value?.toString()));
        await waitFor('a and b to receive round 2', () => round2.every((record) => received().has(record.value!.toString())));

        const bPartitions = b.ownedPartitions();
        const eventsBeforeClose = events.length;
        await b.consumer.close();
        await waitFor(
          'a to take over every partition again',
          () =>
            a.ownedPartitions().length === partitions &&
            bPartitions.every((partition) => told('a', 'assigned', partition, eventsBeforeClose) >= 0),
        );
        for (const partition of bPartitions) {
          const revokedByB = told('b', 'revoked', partition, eventsBeforeClose);
          expect(revokedByB, `b's revocation of partition ${partition} on close`).toBeGreaterThanOrEqual(0);
          expect(told('a', 'assigned', partition, eventsBeforeClose), `a's takeover of partition ${partition}`).toBeGreaterThan(
            revokedByB,
          );
        }

        await sendRound(3);
        await waitFor('every record sent to be received', () => sent.every((record) => received().has(record.value!.toString())));
        for (let partition = 0; partition < partitions; partition++) {
          expect(isIncreasing(a.recordsOf(partition).map((record) => record.offset))).toBe(true);
        }
      });

      it('stops a consumer whose handler throws and reports the error', async () => {
        const target = await topic('handler_error', 1);
        await produce([textRecord(target, 0, 'poison'), textRecord(target, 0, 'after')]);
        const probe = await startProbe(
          { groupId: name('handler_error_group'), topics: [target], maxBatchRecords: 1 },
          {
            beforeBatch: () => {
              throw new Error('handler failed on purpose');
            },
          },
        );
        await waitFor('the error to be reported', () => probe.errors.length > 0);
        expect(probe.errors[0].message).toContain('handler failed on purpose');
        await sleep(quietPeriodMs);
        expect(probe.handlerCalls).toBe(1);
      });

      it('pauses and resumes partitions', async () => {
        const target = await topic('pause', 2);
        const probe = await startProbe({ groupId: name('pause_group'), topics: [target] });
        await waitFor('both partitions to be assigned', () => probe.ownedPartitions().length === 2);

        probe.consumer.pause([{ topic: target, partition: 0 }]);
        await produce([0, 1, 2].flatMap((i) => [textRecord(target, 0, `p0-${i}`), textRecord(target, 1, `p1-${i}`)]));
        await waitFor('the unpaused partition to be delivered', () => probe.recordsOf(1).length >= 3);
        await sleep(quietPeriodMs);
        expect(probe.recordsOf(0)).toHaveLength(0);

        probe.consumer.resume([{ topic: target, partition: 0 }]);
        await waitFor('the resumed partition to be delivered', () => probe.recordsOf(0).length >= 3);
        expect(valuesOf(probe.recordsOf(0))).toEqual(['p0-0', 'p0-1', 'p0-2']);
      });

      it('seeks an assigned partition back to an earlier offset', async () => {
        const target = await topic('seek', 1);
        await produce(Array.from({ length: 10 }, (_, i) => textRecord(target, 0, `v${i}`)));
        const probe = await startProbe({ groupId: name('seek_group'), topics: [target] });
        await waitFor('10 records', () => probe.records.length >= 10);

        probe.consumer.seek({ topic: target, partition: 0, offset: 4 });
        await waitFor('the records after offset 4 again', () => probe.records.length >= 16);
        expect(probe.records.slice(10).map((record) => record.offset)).toEqual([4, 5, 6, 7, 8, 9]);
      });
    });

    describe('transactions', () => {
      it('shows committed transactions to read_committed consumers and never aborted ones', async () => {
        const target = await topic('txn_visibility', 1);
        const producer = await connectedProducer({ transactionalId: name('txn_visibility_producer') });
        const transaction = async (values: string[], outcome: 'commit' | 'abort') => {
          await producer.beginTransaction();
          await producer.send(values.map((value) => textRecord(target, 0, value)));
          await (outcome === 'commit' ? producer.commitTransaction() : producer.abortTransaction());
        };
        await transaction(['c1', 'c2', 'c3'], 'commit');
        await transaction(['a1', 'a2'], 'abort');
        await transaction(['c4'], 'commit');

        const probe = await startProbe({ groupId: name('txn_visibility_group'), topics: [target], isolationLevel: 'read_committed' });
        // c4 comes after the aborted records in the partition, so once it is here they were skipped.
        await waitFor('the committed records', () => valuesOf(probe.records).includes('c4'));
        expect(valuesOf(probe.records)).toEqual(['c1', 'c2', 'c3', 'c4']);
        const offsets = probe.records.map((record) => record.offset);
        expect(isIncreasing(offsets)).toBe(true);
        expect((await broker.endOffsets(target))[0]).toBeGreaterThan(offsets[offsets.length - 1]);
      });

      it('commits offsets sent with a transaction only when it commits', async () => {
        const input = await topic('txn_offsets_in', 1);
        const output = await topic('txn_offsets_out', 1);
        const groupId = name('txn_offsets_group');
        await produce(Array.from({ length: 5 }, (_, i) => textRecord(input, 0, `in${i}`)));
        const producer = await connectedProducer({ transactionalId: name('txn_offsets_producer') });

        await producer.beginTransaction();
        await producer.send([textRecord(output, 0, 'aborted-output')]);
        await producer.sendOffsets(groupId, [{ topic: input, partition: 0, offset: 3 }]);
        await producer.abortTransaction();
        expect(await broker.committedOffsets(groupId, input)).toEqual([null]);

        await producer.beginTransaction();
        await producer.send([textRecord(output, 0, 'committed-output')]);
        await producer.sendOffsets(groupId, [{ topic: input, partition: 0, offset: 5 }]);
        await producer.commitTransaction();
        await waitFor('the transaction offsets', async () => (await broker.committedOffsets(groupId, input))[0] === 5);

        const probe = await startProbe({ groupId: name('txn_offsets_reader'), topics: [output], isolationLevel: 'read_committed' });
        await waitFor('the committed output', () => probe.records.length >= 1);
        expect(valuesOf(probe.records)).toEqual(['committed-output']);
      });
    });

    describe('reading outside groups', () => {
      it('reads exactly the requested offset range of a partition', async () => {
        const target = await topic('read_range', 2);
        await produce(Array.from({ length: 20 }, (_, i) => textRecord(target, 1, `v${i}`, BASE_TIMESTAMP + i)));
        const read = async (tp: TopicPartition, from: number, to: number) => {
          const records: ConsumedRecord[] = [];
          await broker.readPartition(tp, from, to, (batch) => records.push(...batch));
          return records;
        };
        const partition1 = { topic: target, partition: 1 };

        const middle = await read(partition1, 5, 12);
        expect(middle.map((record) => record.offset)).toEqual([5, 6, 7, 8, 9, 10, 11]);
        expect(valuesOf(middle)).toEqual(['v5', 'v6', 'v7', 'v8', 'v9', 'v10', 'v11']);
        expect(middle.map((record) => record.timestamp)).toEqual(middle.map((record) => BASE_TIMESTAMP + record.offset));
        expect(await read(partition1, 7, 7)).toEqual([]);
        expect(await read(partition1, 0, 20)).toHaveLength(20);
        expect(await read({ topic: target, partition: 0 }, 0, 0)).toEqual([]);
      });

      it('reads a transactional partition up to its end offset, committed records only', async () => {
        const target = await topic('read_txn', 1);
        const producer = await connectedProducer({ transactionalId: name('read_txn_producer') });
        for (const [values, outcome] of [
          [['c1', 'c2'], 'commit'],
          [['a1'], 'abort'],
          [['c3'], 'commit'],
        ] as const) {
          await producer.beginTransaction();
          await producer.send(values.map((value) => textRecord(target, 0, value)));
          await (outcome === 'commit' ? producer.commitTransaction() : producer.abortTransaction());
        }
        // On Kafka a commit's markers are written after commitTransaction returns: the end offset
        // covers the last transaction only a moment later.
        let records: ConsumedRecord[] = [];
        await waitFor('the end offset to cover the last transaction', async () => {
          const [end] = await broker.endOffsets(target);
          records = [];
          await broker.readPartition({ topic: target, partition: 0 }, 0, end, (batch) => records.push(...batch), {
            isolationLevel: 'read_committed',
          });
          return valuesOf(records).includes('c3');
        });
        expect(valuesOf(records)).toEqual(['c1', 'c2', 'c3']);
      });
    });
  });
}
