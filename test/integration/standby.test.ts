/**
 * Standby replicas (`numStandbyReplicas`) on real Kafka: two instances of a counting app with a
 * persistent logged store each keep a warm copy of the task the other owns; when one leaves, the
 * survivor takes its task over restoring only what its copy had not read yet.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { assignStandbys, assignTasks, type TaskMember } from '../../src/broker/kafka/task-assignor.js';
import type { Broker, TopicPartition } from '../../src/broker/types.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { Serdes } from '../../src/serde/index.js';
import { CheckpointFile, checkpointKey } from '../../src/state/checkpoint-file.js';
import { Stores } from '../../src/state/stores.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import { produce, readAll, waitForRecords } from '../helpers/topics.js';
import { Counter, COUNTER_STORE } from '../helpers/counter-app.js';

const STORE = COUNTER_STORE;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('standby replicas on Kafka', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps a warm copy of the other instance’s task, and a takeover restores only the delta', async () => {
    const broker: Broker = new KafkaBroker({ brokers: kafkaBrokers() });
    await broker.connect();
    cleanups.push(() => broker.close());
    const input = uniqueName('standby-in');
    const output = uniqueName('standby-out');
    const applicationId = uniqueName('standby-app');
    await broker.createTopics([
      { name: input, partitions: 2 },
      { name: output, partitions: 2 },
    ]);
    cleanups.push(() => broker.deleteTopics([input, output, `${applicationId}-${STORE}-changelog`]).catch(() => undefined));
    const stateDirs = [await mkdtemp(join(tmpdir(), 'tributary-standby-')), await mkdtemp(join(tmpdir(), 'tributary-standby-'))];
    cleanups.push(async () => {
      for (const dir of stateDirs) await rm(dir, { recursive: true, force: true });
    });
    const app = (stateDir: string) => {
      const builder = new StreamsBuilder();
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.string(), Serdes.int32()));
      builder
        .stream(input, { key: Serdes.string(), value: Serdes.string() })
        .process(() => new Counter(), STORE)
        .to(output, { key: Serdes.string(), value: Serdes.int32() });
      const instance = new StreamsApp(
        builder.build(),
        { applicationId, stateDir, commitIntervalMs: 100, numStandbyReplicas: 1, brokers: kafkaBrokers() },
        { broker },
      );
      cleanups.push(() => instance.close());
      return instance;
    };
    const events = (keys: number, perKey: number) =>
      Array.from({ length: keys * perKey }, (_, i) => ({ key: `k${i % keys}`, value: `e${i}` }));
    const changelog = `${applicationId}-${STORE}-changelog`;

    const a = app(stateDirs[0]);
    const b = app(stateDirs[1]);
    await Promise.all([a.start(), b.start()]);
    await produce(broker, input, events(20, 5));
    await waitForRecords(broker, output, 100);

    // Both own one task each (sticky, balanced) once the group settled; each stands by for the other's.
    await eventually(async () => a.state === 'RUNNING' && b.state === 'RUNNING', 'both instances running');
    const ownedBy = (instance: StreamsApp) => new Set(instance.lag().keys());
    await eventually(async () => ownedBy(a).size === 1 && ownedBy(b).size === 1, 'one partition each');
    const aPartition = Number([...ownedBy(a)][0].split(':').pop());
    const bPartition = 1 - aPartition;

    // b's standby copy of a's task catches up with the changelog: its checkpoint says so.
    const standbyCheckpoint = new CheckpointFile(join(stateDirs[1], applicationId, `0_${aPartition}`));
    const changelogEnd = async (partition: number) => (await broker.endOffsets(changelog))[partition];
    await eventually(
      async () => (await standbyCheckpoint.read()).get(checkpointKey(changelog, aPartition)) === (await changelogEnd(aPartition)),
      "b's standby checkpoint to reach the changelog end",
    );
    const changelogRecords = await readAll(broker, changelog);
    const ofPartition = (p: number) => changelogRecords.filter((r) => r.partition === p).length;
    expect(b.standbyRecords).toBe(ofPartition(aPartition));
    await eventually(async () => a.standbyRecords === ofPartition(bPartition), "a's standby copy of b's task");
    expect(ofPartition(aPartition)).toBeGreaterThan(20);

    // More input (for both partitions), then a leaves right after processing it: at most these
    // few records are newer than b's standby copy.
    await produce(broker, input, events(20, 1));
    await waitForRecords(broker, output, 120);
    await a.close();
    expect(b.restoredRecords).toBe(0);
    await produce(broker, input, events(20, 1));
    await waitForRecords(broker, output, 140);
    // Every key counted on from its restored count: b took a's task over.
    const counts = new Map<string, number>();
    for (const r of await readAll(broker, output)) counts.set(r.key!.toString(), r.value!.readInt32BE(0));
    expect(counts).toEqual(new Map(Array.from({ length: 20 }, (_, i) => [`k${i}`, 7])));
    const restored = b.restoredRecords;
    expect(restored).toBeLessThanOrEqual(20);
    expect(restored).toBeLessThan(ofPartition(aPartition));
  });

  describe('the standby rule (leader side)', () => {
    const counts = new Map([['t', 4]]);
    const member = (memberId: string, owned: number[], standby: number[] = []): TaskMember => ({
      memberId,
      topics: ['t'],
      generation: 3,
      owned: owned.map((partition) => ({ topic: 't', partition })),
      standby,
    });
    const tasks = (partitions: TopicPartition[] | number[]) =>
      partitions.map((p) => (typeof p === 'number' ? p : p.partition)).sort((x, y) => x - y);

    it('gives every task up to N standbys other than its owner, spread and deterministic', () => {
      const members = [member('c', [2, 3]), member('a', [0]), member('b', [1])];
      const active = assignTasks(members, counts);
      const standbys = assignStandbys(members, active, 1);
      for (const [id, standing] of standbys) {
        for (const task of standing) expect(tasks(active.get(id)!)).not.toContain(task);
      }
      expect([...standbys.values()].flat().sort()).toEqual([0, 1, 2, 3]);
      expect(Math.max(...[...standbys.values()].map((s) => s.length))).toBeLessThanOrEqual(2);
      // More replicas than other members: every other member, no more.
      const all = assignStandbys(members, active, 5);
      for (const task of [0, 1, 2, 3]) expect([...all.values()].filter((s) => s.includes(task))).toHaveLength(2);
      expect(assignStandbys([...members].reverse(), active, 1)).toEqual(standbys);
      expect([...assignStandbys(members, active, 0).values()].flat()).toEqual([]);
    });

    it('moves a departed owner’s task to the member that stood by for it, and keeps standbys where they are', () => {
      // `gone` owned tasks 0 and 1; `y` stood by for 1, `x` for 0. Without standbys, the least
      // loaded rule deals 0 to x and 1 to y anyway; swap the standbys so stickiness must decide.
      const members = [member('x', [2], [1]), member('y', [3], [0])];
      const active = assignTasks(members, counts);
      expect(tasks(active.get('x')!)).toEqual([1, 2]);
      expect(tasks(active.get('y')!)).toEqual([0, 3]);
      const standbys = assignStandbys(members, active, 1);
      expect(tasks(standbys.get('x')!)).toEqual([0, 3]);
      expect(tasks(standbys.get('y')!)).toEqual([1, 2]);
    });
  });
});
