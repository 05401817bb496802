/**
 * Stateful processors forward the headers of the record behind each result, as Kafka Streams does:
 * for a cached table or window, the headers of the key's latest update; for a join, those of the
 * record that triggered the result.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Headers } from '../../../src/broker/types.js';
import {
  JoinWindows,
  sessionWindowedSerde,
  SessionWindows,
  StreamsBuilder,
  Suppressed,
  timeWindowedSerde,
  TimeWindows,
  type Windowed,
} from '../../../src/dsl/index.js';
import type { Change } from '../../../src/dsl/change.js';
import { suppressSupplier, type SuppressSpec } from '../../../src/dsl/processors/suppress.js';
import type { ProcessorContext, StreamRecord } from '../../../src/processor/api.js';
import { Serdes } from '../../../src/serde/index.js';
import type { KeyValue, KeyValueStore } from '../../../src/state/key-value-store.js';
import { TopologyTestDriver, type TestRecord, type TopologyTestDriverOptions } from '../../../src/testing/index.js';

const serdes = { key: Serdes.string(), value: Serdes.string() };
const counts = { value: Serdes.json<number | null>() };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function start(builder: StreamsBuilder, options: TopologyTestDriverOptions = {}): Promise<TopologyTestDriver> {
  driver = await TopologyTestDriver.create(builder.build(), options);
  return driver;
}

const trace = (id: string): Headers => ({ trace: Buffer.from(id) });
const traceOf = (record: { headers?: Headers }) => record.headers?.trace?.toString();

/** Pipes `[key, value, timestamp, trace id]` rows into `topic`. */
function pipe(d: TopologyTestDriver, topic: string, rows: [string, string | null, number, string][]): void {
  const input = d.createInputTopic(topic, serdes.key, Serdes.string() as unknown as typeof serdes.value);
  for (const [key, value, timestamp, id] of rows) input.pipeInput(key, value as string, timestamp, trace(id));
}

function windowed(records: TestRecord<Windowed<string>, number | null>[]): [string, number | null, string | undefined][] {
  return records.map((r) => [`${r.key.key}@${r.key.window.start}`, r.value, traceOf(r)]);
}

describe('headers of aggregation results', () => {
  const countByKey = (materialized = {}) => {
    const builder = new StreamsBuilder();
    builder.stream('in', serdes).groupByKey().count(materialized).toStream().to('out', counts);
    return builder;
  };
  const read = (d: TopologyTestDriver) =>
    d.createOutputTopic('out', Serdes.string(), counts.value).readRecordsToList().map((r) => [r.key, r.value, traceOf(r)]);

  test('uncached: each update carries the headers of its record', async () => {
    const d = await start(countByKey({ caching: false }), { flushCachesAfterEachRecord: false });
    pipe(d, 'in', [['a', 'x', 1, 'r1'], ['b', 'x', 2, 'r2'], ['a', 'x', 3, 'r3']]);
    expect(read(d)).toEqual([['a', 1, 'r1'], ['b', 1, 'r2'], ['a', 2, 'r3']]);
  });

  test("cached: a flush forwards each key with the headers of the key's latest update", async () => {
    const d = await start(countByKey(), { flushCachesAfterEachRecord: false });
    pipe(d, 'in', [['a', 'x', 1, 'r1'], ['b', 'x', 2, 'r2'], ['a', 'x', 3, 'r3']]);
    d.flush();
    expect(read(d)).toEqual([['b', 1, 'r2'], ['a', 2, 'r3']]);
  });

  test("cached windowed aggregation: a flush forwards each window with the headers of the window's latest update", async () => {
    const builder = new StreamsBuilder();
    builder.stream('in', serdes).groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 100)).count().toStream().to('out', counts);
    const d = await start(builder, { flushCachesAfterEachRecord: false });
    pipe(d, 'in', [['a', 'x', 1, 'r1'], ['a', 'x', 12, 'r2'], ['a', 'x', 5, 'r3']]);
    d.flush();
    const out = d.createOutputTopic('out', timeWindowedSerde(Serdes.string(), 10), counts.value).readRecordsToList();
    expect(windowed(out)).toEqual([['a@10', 1, 'r2'], ['a@0', 2, 'r3']]);
  });

  test('session aggregation: merged sessions and the new one carry the headers of the merging record', async () => {
    const builder = new StreamsBuilder();
    builder.stream('in', serdes).groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 100)).count().toStream().to('out', counts);
    const d = await start(builder);
    pipe(d, 'in', [['a', 'x', 1, 'r1'], ['a', 'x', 20, 'r2'], ['a', 'x', 10, 'r3']]);
    const out = d.createOutputTopic('out', sessionWindowedSerde(Serdes.string()), counts.value).readRecordsToList();
    expect(windowed(out)).toEqual([
      ['a@1', 1, 'r1'],
      ['a@20', 1, 'r2'],
      ['a@1', null, 'r3'],
      ['a@20', null, 'r3'],
      ['a@1', 3, 'r3'],
    ]);
  });
});

describe('headers of KTable changes', () => {
  const read = (d: TopologyTestDriver) =>
    d
      .createOutputTopic('out', Serdes.string(), Serdes.string() as unknown as typeof serdes.value)
      .readRecordsToList()
      .map((r) => [r.key, r.value, traceOf(r)]);

  for (const caching of [true, false]) {
    test(`a table forwards updates and deletes with the headers of their records (caching: ${caching})`, async () => {
      const builder = new StreamsBuilder();
      builder.table('in', serdes, { caching }).toStream().to('out');
      const d = await start(builder);
      pipe(d, 'in', [['a', 'v1', 1, 'r1'], ['a', 'v2', 2, 'r2'], ['a', null, 3, 'r3']]);
      expect(read(d)).toEqual([['a', 'v1', 'r1'], ['a', 'v2', 'r2'], ['a', null, 'r3']]);
    });
  }

  test('a cached table flushes a delete with the headers of the tombstone', async () => {
    const builder = new StreamsBuilder();
    builder.table('in', serdes).toStream().to('out');
    const d = await start(builder, { flushCachesAfterEachRecord: false });
    pipe(d, 'in', [['a', 'v1', 1, 'r1'], ['b', 'v1', 2, 'r2']]);
    d.flush();
    pipe(d, 'in', [['a', 'v2', 3, 'r3'], ['a', null, 4, 'r4']]);
    d.flush();
    expect(read(d)).toEqual([['a', 'v1', 'r1'], ['b', 'v1', 'r2'], ['a', null, 'r4']]);
  });
});

describe('headers of suppressed results', () => {
  test("a final result carries the headers of the window's latest update, not those of the record that closed it", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', serdes)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .suppress(Suppressed.untilWindowCloses())
      .toStream()
      .to('out', counts);
    const d = await start(builder);
    pipe(d, 'in', [['a', 'x', 1, 'r1'], ['b', 'x', 2, 'r2'], ['a', 'x', 3, 'r3'], ['c', 'x', 10, 'r4']]);
    const out = d.createOutputTopic('out', timeWindowedSerde(Serdes.string(), 10), counts.value).readRecordsToList();
    expect(windowed(out)).toEqual([['a@0', 2, 'r3'], ['b@0', 1, 'r2']]);
  });

  test('the buffer store keeps the headers: a restarted processor emits the result with them', () => {
    const entries = new Map<string, KeyValue<Buffer, Buffer>>();
    const store = {
      get: (key: Buffer) => entries.get(key.toString('latin1'))?.value,
      put: (key: Buffer, value: Buffer) => void entries.set(key.toString('latin1'), { key, value }),
      delete: (key: Buffer) => void entries.delete(key.toString('latin1')),
      all: () => entries.values(),
    } as unknown as KeyValueStore<Buffer, Buffer>;
    const spec: SuppressSpec<string, number> = {
      storeName: 'buffer',
      closeAfterEndMs: 0,
      suppressed: Suppressed.untilWindowCloses(),
      keySerde: timeWindowedSerde(Serdes.string(), 10),
      valueSerde: Serdes.json<number>(),
    };
    const forwarded: StreamRecord<Windowed<string>, Change<number>>[] = [];
    const context = {
      getStateStore: () => store,
      forward: (record: StreamRecord<Windowed<string>, Change<number>>) => void forwarded.push(record),
      countDroppedRecord: () => undefined,
    } as unknown as ProcessorContext<Windowed<string>, Change<number>>;
    const update = (start: number, newValue: number, timestamp: number, headers: Headers) => ({
      key: { key: 'a', window: { start, end: start + 10 } },
      value: { newValue, oldValue: null },
      timestamp,
      headers,
    });

    const first = suppressSupplier(spec)();
    first.init!(context);
    first.process(update(0, 1, 1, { trace: Buffer.from('r1'), 'tenant-ü': Buffer.from([0, 255]) }));
    const restarted = suppressSupplier(spec)();
    restarted.init!(context);
    restarted.process(update(10, 1, 10, trace('r2')));
    expect(forwarded.map((r) => [r.key.window.start, r.value.newValue, r.headers])).toEqual([
      [0, 1, { trace: Buffer.from('r1'), 'tenant-ü': Buffer.from([0, 255]) }],
    ]);
  });
});

describe('headers of stream-stream join results', () => {
  test('a result carries the headers of the record that found its partner', async () => {
    const builder = new StreamsBuilder();
    const left = builder.stream('left', serdes);
    left.join(builder.stream('right', serdes), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(10)).to('out', { value: Serdes.string() });
    const d = await start(builder);
    pipe(d, 'left', [['k', 'l1', 1, 'left-1']]);
    pipe(d, 'right', [['k', 'r1', 2, 'right-1']]);
    pipe(d, 'left', [['k', 'l2', 3, 'left-2']]);
    const out = d.createOutputTopic('out', Serdes.string(), Serdes.string()).readRecordsToList();
    expect(out.map((r) => [r.value, traceOf(r)])).toEqual([['l1+r1', 'right-1'], ['l2+r1', 'left-2']]);
  });

  test('a left join emits an unmatched record with the headers of the record that made it expire', async () => {
    const builder = new StreamsBuilder();
    const left = builder.stream('left', serdes);
    left
      .leftJoin(builder.stream('right', serdes), (l, r) => `${l}+${r ?? 'null'}`, JoinWindows.ofTimeDifferenceWithNoGrace(10))
      .to('out', { value: Serdes.string() });
    const d = await start(builder);
    pipe(d, 'left', [['k', 'l1', 1, 'left-1']]);
    pipe(d, 'right', [['other', 'r1', 30, 'right-1']]);
    const out = d.createOutputTopic('out', Serdes.string(), Serdes.string()).readRecordsToList();
    expect(out.map((r) => [r.value, traceOf(r)])).toEqual([['l1+null', 'right-1']]);
  });
});
