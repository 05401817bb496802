/**
 * The stateful DSL on real topics: windowed aggregations (tumbling with grace, hopping, session),
 * suppression of windowed results until their window closes (by stream time and by wall clock),
 * a stream-table join and a windowed stream-stream join, each a `StreamsApp` reading and writing
 * topics of the broker under test. Run on both brokers.
 *
 * Event times are chosen by the test: `T` is a recent minute boundary (recent, so a broker with
 * time-based retention keeps the records), and every record's timestamp is `T` plus a few
 * seconds. Inputs whose results depend on stream time (windows, suppression) have one partition,
 * so stream time is that of the records in the order produced. Expectations assume only what
 * Kafka Streams guarantees: aggregations forward the latest result of each window at the latest
 * at a commit (caching may leave out intermediate ones), so tests read the last value per window.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker, ConsumedRecord } from '../../src/broker/types.js';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Suppressed } from '../../src/dsl/suppressed.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { Serdes } from '../../src/serde/index.js';
import type { Topology } from '../../src/topology/topology.js';
import { produce, readAll, waitForRecords } from '../helpers/topics.js';
import type { SuiteTarget } from './suite-target.js';

const SECOND = 1000;
/** A recent minute boundary: window starts below are aligned to it. */
const T = Math.floor((Date.now() - 10 * 60 * SECOND) / 60_000) * 60_000;
const at = (seconds: number) => T + seconds * SECOND;

/** A time-windowed key as written by `timeWindowedSerde`: `[key][window start, 8 bytes]`. */
function timeWindowed(record: ConsumedRecord): { key: string; start: number } {
  const key = record.key!;
  return { key: key.subarray(0, key.length - 8).toString('utf8'), start: key.readUIntBE(key.length - 6, 6) };
}

/** A session-windowed key as written by `sessionWindowedSerde`: `[key][end, 8 bytes][start, 8 bytes]`. */
function sessionWindowed(record: ConsumedRecord): { key: string; start: number; end: number } {
  const key = record.key!;
  return {
    key: key.subarray(0, key.length - 16).toString('utf8'),
    end: key.readUIntBE(key.length - 14, 6),
    start: key.readUIntBE(key.length - 6, 6),
  };
}

/** A count as written by `count()`: a big-endian int64; `null` for a tombstone. */
const count = (record: ConsumedRecord): number | null => (record.value === null ? null : Number(record.value.readBigInt64BE(0)));

/** `key@start(seconds after T)` → its last value in the topic, in topic order. */
function lastPerWindow(records: ConsumedRecord[]): Map<string, number | null> {
  const last = new Map<string, number | null>();
  for (const record of records) {
    const { key, start } = timeWindowed(record);
    last.set(`${key}@${(start - T) / SECOND}`, count(record));
  }
  return last;
}

export function statefulDslSuite(options: SuiteTarget): void {
  describe(`stateful DSL on ${options.name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setup(topics: Record<string, number>) {
      const broker = await options.makeBroker();
      await broker.connect();
      cleanups.push(() => broker.close());
      const names: Record<string, string> = {};
      for (const topic of Object.keys(topics)) names[topic] = options.uniqueName(topic);
      await broker.createTopics(Object.entries(topics).map(([topic, partitions]) => ({ name: names[topic], partitions })));
      const stateDir = await mkdtemp(join(tmpdir(), 'tributary-dsl-'));
      cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
      return { broker, names, stateDir };
    }

    function startApp(broker: Broker, topology: Topology, stateDir: string): StreamsApp {
      const app = new StreamsApp(
        topology,
        { applicationId: options.uniqueName('dsl'), stateDir, commitIntervalMs: 100, ...options.appConfig() },
        { broker },
      );
      cleanups.push(() => app.close());
      return app;
    }

    it('tumbling windows with grace: out-of-order records within grace count, later ones are dropped', async () => {
      const { broker, names, stateDir } = await setup({ readings: 1, counts: 2 });
      const builder = new StreamsBuilder();
      builder
        .stream(names.readings, { key: Serdes.string(), value: Serdes.string() })
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10 * SECOND, 5 * SECOND))
        .count(Materialized.as('counts'))
        .toStream()
        .to(names.counts);
      // Window [0, 10) closes when stream time reaches 15; [10, 20) at 25.
      await produce(broker, names.readings, [
        { key: 'a', value: 'r1', timestamp: at(1) },
        { key: 'a', value: 'r2', timestamp: at(4) },
        { key: 'a', value: 'r3', timestamp: at(12) }, // stream time 12
        { key: 'a', value: 'r4', timestamp: at(8) }, // late, but 12 < 10 + 5: counted in [0, 10)
        { key: 'b', value: 'r5', timestamp: at(21) }, // stream time 21: [0, 10) is closed
        { key: 'a', value: 'r6', timestamp: at(9) }, // [0, 10) closed: dropped
        { key: 'a', value: 'r7', timestamp: at(14) }, // [10, 20) still open (21 < 25): counted
        { key: 'a', value: 'r8', timestamp: at(3) }, // dropped
      ]);
      const app = startApp(broker, builder.build(), stateDir);
      await app.start();

      const expected = new Map([
        ['a@0', 3],
        ['a@10', 2],
        ['b@20', 1],
      ]);
      await eventually(async () => expect(lastPerWindow(await readAll(broker, names.counts))).toEqual(expected));
      // The store keeps windows for size + grace (15 s) behind stream time (21 s): [0, 10) has
      // left it, the later ones hold the same counts (dropped records never reached them).
      const view = app.windowStore<string, number>('counts');
      expect(view.fetch('a', at(0), at(60)).map((w) => [(w.windowStart - T) / SECOND, w.value])).toEqual([[10, 2]]);
      expect(view.fetch('b', at(0), at(60)).map((w) => w.value)).toEqual([1]);
      expect(app.droppedRecords).toBe(2);
    });

    it('suppress(untilWindowCloses) emits exactly one final result per key and window', async () => {
      const { broker, names, stateDir } = await setup({ clicks: 1, finals: 1 });
      const builder = new StreamsBuilder();
      builder
        .stream(names.clicks, { key: Serdes.string(), value: Serdes.string() })
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10 * SECOND, 2 * SECOND))
        .count()
        .suppress(Suppressed.untilWindowCloses())
        .toStream()
        .to(names.finals);
      await produce(broker, names.clicks, [
        { key: 'a', value: 'c', timestamp: at(1) },
        { key: 'a', value: 'c', timestamp: at(2) },
        { key: 'b', value: 'c', timestamp: at(3) },
        { key: 'a', value: 'c', timestamp: at(9) },
        { key: 'a', value: 'c', timestamp: at(11) }, // [0, 10) stays open until stream time 12
        { key: 'b', value: 'c', timestamp: at(10.5) }, // [10, 20)
        { key: 'b', value: 'c', timestamp: at(7) }, // still within grace for [0, 10)
        { key: 'a', value: 'c', timestamp: at(12) }, // closes [0, 10)
        { key: 'a', value: 'c', timestamp: at(16) },
        { key: 'c', value: 'c', timestamp: at(25) }, // closes [10, 20) (25 >= 20 + 2); [20, 30) stays open
      ]);
      const app = startApp(broker, builder.build(), stateDir);
      await app.start();
      await waitForRecords(broker, names.finals, 4);
      // Commits (every 100 ms) go on; the app's close flushes everything: still nothing more.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await app.close();

      const finals = (await readAll(broker, names.finals)).map((r) => {
        const { key, start } = timeWindowed(r);
        return [key, (start - T) / SECOND, count(r)];
      });
      // One record per (key, window), in window-end order; [20, 30) is still open, so not emitted.
      expect(finals).toHaveLength(4);
      expect(finals.slice(0, 2)).toEqual(expect.arrayContaining([['a', 0, 3], ['b', 0, 2]]));
      expect(finals.slice(2)).toEqual(expect.arrayContaining([['a', 10, 3], ['b', 10, 1]]));
    });

    it('suppress with closeOnWallClock closes the window of a key that went quiet, with no newer records', async () => {
      const { broker, names, stateDir } = await setup({ readings: 1, finals: 1 });
      const size = 2 * SECOND;
      const builder = new StreamsBuilder();
      builder
        .stream(names.readings, { key: Serdes.string(), value: Serdes.string() })
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(size))
        .count()
        .suppress(Suppressed.untilWindowCloses({ closeOnWallClock: true, wallClockCheckIntervalMs: 100 }))
        .toStream()
        .to(names.finals);
      const app = startApp(broker, builder.build(), stateDir);
      await app.start();
      await app.waitForState('RUNNING');

      // Two readings early in a window that ends at least a second from now: processed (and
      // forwarded by the commit after them) well before the wall clock closes the window.
      let start = Math.floor(Date.now() / size) * size;
      if (Date.now() - start > size / 2) start += size;
      await produce(broker, names.readings, [
        { key: 'sparse', value: 'r', timestamp: start + 100 },
        { key: 'sparse', value: 'r', timestamp: start + 200 },
      ]);
      const finals = await waitForRecords(broker, names.finals, 1, 15_000);
      expect(Date.now()).toBeGreaterThanOrEqual(start + size);
      expect(finals.map((r) => [timeWindowed(r).key, timeWindowed(r).start, count(r)])).toEqual([['sparse', start, 2]]);
      // Stream time never reached the window's end: only the wall clock closed it, and only once.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await readAll(broker, names.finals)).toHaveLength(1);
    });

    it('hopping windows count a record in every window that holds it', async () => {
      const { broker, names, stateDir } = await setup({ events: 1, counts: 1 });
      const builder = new StreamsBuilder();
      builder
        .stream(names.events, { key: Serdes.string(), value: Serdes.string() })
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(10 * SECOND, 60 * SECOND).advanceBy(5 * SECOND))
        .count()
        .toStream()
        .to(names.counts);
      await produce(broker, names.events, [
        { key: 'a', value: 'e', timestamp: at(1) }, // windows [-5, 5), [0, 10)
        { key: 'a', value: 'e', timestamp: at(6) }, // [0, 10), [5, 15)
        { key: 'a', value: 'e', timestamp: at(12) }, // [5, 15), [10, 20)
        { key: 'b', value: 'e', timestamp: at(5) }, // [0, 10), [5, 15)
      ]);
      const app = startApp(broker, builder.build(), stateDir);
      await app.start();
      await eventually(async () =>
        expect(lastPerWindow(await readAll(broker, names.counts))).toEqual(
          new Map([
            ['a@-5', 1],
            ['a@0', 2],
            ['a@5', 2],
            ['a@10', 1],
            ['b@0', 1],
            ['b@5', 1],
          ]),
        ),
      );
    });

    it('session windows: records within the inactivity gap form one session, a bridging record merges two', async () => {
      const { broker, names, stateDir } = await setup({ visits: 1, sessions: 1 });
      const builder = new StreamsBuilder();
      builder
        .stream(names.visits, { key: Serdes.string(), value: Serdes.string() })
        .groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(5 * SECOND, 60 * SECOND))
        .count()
        .toStream()
        .to(names.sessions);
      await produce(broker, names.visits, [
        { key: 'u', value: 'v', timestamp: at(1) },
        { key: 'u', value: 'v', timestamp: at(3) }, // session [1, 3]
        { key: 'u', value: 'v', timestamp: at(20) }, // [20, 20]: 17 s after the last one
        { key: 'u', value: 'v', timestamp: at(10) }, // [10, 10]: more than 5 s from both
        { key: 'u', value: 'v', timestamp: at(14) }, // [10, 14]
        { key: 'u', value: 'v', timestamp: at(17) }, // within 5 s of 14 and of 20: [10, 20], count 4
        { key: 'w', value: 'v', timestamp: at(2) }, // another key: its own session
      ]);
      const app = startApp(broker, builder.build(), stateDir);
      await app.start();
      await eventually(async () => {
        const last = new Map<string, number | null>();
        for (const record of await readAll(broker, names.sessions)) {
          const { key, start, end } = sessionWindowed(record);
          last.set(`${key}[${(start - T) / SECOND},${(end - T) / SECOND}]`, count(record));
        }
        // Sessions merged away end with a tombstone.
        const live = [...last].filter(([, value]) => value !== null);
        expect(new Map(live)).toEqual(
          new Map([
            ['u[1,3]', 2],
            ['u[10,20]', 4],
            ['w[2,2]', 1],
          ]),
        );
        for (const merged of ['u[20,20]', 'u[10,10]', 'u[10,14]']) expect(last.get(merged)).toBeNull();
      });
    });

    it('stream-table join: each click is enriched with the user as the table holds it then', async () => {
      const { broker, names, stateDir } = await setup({ users: 2, clicks: 2, enriched: 2 });
      const builder = new StreamsBuilder();
      const users = builder.table(names.users, { key: Serdes.string(), value: Serdes.string() }, Materialized.as('users'));
      builder
        .stream(names.clicks, { key: Serdes.string(), value: Serdes.string() })
        .join(users, (page, user) => `${page} by ${user}`)
        .to(names.enriched, { value: Serdes.string() });
      await produce(broker, names.users, [
        { key: 'u1', value: 'Ann', timestamp: at(1) },
        { key: 'u2', value: 'Bob', timestamp: at(2) },
      ]);
      const app = startApp(broker, builder.build(), stateDir);
      await app.start();
      const table = app.keyValueStore<string, string>('users');
      await eventually(async () => expect([table.get('u1'), table.get('u2')]).toEqual(['Ann', 'Bob']));

      await produce(broker, names.clicks, [
        { key: 'u1', value: 'home', timestamp: at(10) },
        { key: 'u2', value: 'cart', timestamp: at(11) },
        { key: 'u3', value: 'home', timestamp: at(12) }, // no such user: an inner join drops it
      ]);
      await waitForRecords(broker, names.enriched, 2);
      await produce(broker, names.users, [{ key: 'u1', value: 'Anna', timestamp: at(20) }]);
      await eventually(async () => expect(table.get('u1')).toBe('Anna'));
      await produce(broker, names.clicks, [{ key: 'u1', value: 'checkout', timestamp: at(21) }]);

      const enriched = await waitForRecords(broker, names.enriched, 3);
      expect(enriched.map((r) => [r.key!.toString(), r.value!.toString()]).sort()).toEqual([
        ['u1', 'checkout by Anna'],
        ['u1', 'home by Ann'],
        ['u2', 'cart by Bob'],
      ]);
      expect(enriched.map((r) => r.timestamp).sort()).toEqual([at(10), at(11), at(21)]);
    });

    it('stream-stream join: records of the two streams join when their times are within the join window', async () => {
      const { broker, names, stateDir } = await setup({ orders: 2, payments: 2, paid: 2 });
      const builder = new StreamsBuilder();
      const payments = builder.stream(names.payments, { key: Serdes.string(), value: Serdes.string() });
      builder
        .stream(names.orders, { key: Serdes.string(), value: Serdes.string() })
        // Grace covers the whole input, so which topic's batch is fetched first does not matter.
        .join(payments, (order, payment) => `${order}+${payment}`, JoinWindows.ofTimeDifferenceAndGrace(5 * SECOND, 60 * SECOND))
        .to(names.paid, { value: Serdes.string() });
      await produce(broker, names.orders, [
        { key: 'o1', value: 'book', timestamp: at(1) },
        { key: 'o2', value: 'lamp', timestamp: at(2) },
        { key: 'o3', value: 'desk', timestamp: at(20) },
      ]);
      await produce(broker, names.payments, [
        { key: 'o1', value: '12 EUR', timestamp: at(3) }, // 2 s after its order: joins
        { key: 'o2', value: '30 EUR', timestamp: at(10) }, // 8 s after: outside the window
        { key: 'o3', value: '99 EUR', timestamp: at(16) }, // 4 s before its order: joins
        { key: 'o4', value: '5 EUR', timestamp: at(16) }, // no order at all
      ]);
      const app = startApp(broker, builder.build(), stateDir);
      await app.start();

      await waitForRecords(broker, names.paid, 2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const paid = await readAll(broker, names.paid);
      // A result carries the later of the two timestamps.
      expect(paid.map((r) => [r.key!.toString(), r.value!.toString(), r.timestamp]).sort()).toEqual([
        ['o1', 'book+12 EUR', at(3)],
        ['o3', 'desk+99 EUR', at(20)],
      ]);
    });
  });
}

/** Retries `assertion` until it passes (or rethrows its last failure after `timeoutMs`). */
async function eventually(assertion: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
