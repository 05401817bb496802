import { afterEach, describe, expect, test } from 'vitest';
import {
  Materialized,
  sessionWindowedSerde,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  timeWindowedSerde,
  TimeWindows,
  type KTable,
  type Windowed,
} from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver, type TopologyTestDriverOptions } from '../../../src/testing/index.js';

const serdes = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** Pipes `[key, timestamp]` rows (value 'x') into `events`; returns what `out` received as `key@[start,end)=count`. */
async function run(
  builder: StreamsBuilder,
  keySerde: ReturnType<typeof timeWindowedSerde<string>>,
  rows: [string, number][],
  options: TopologyTestDriverOptions = {},
): Promise<string[]> {
  driver = await TopologyTestDriver.create(builder.build(), options);
  const input = driver.createInputTopic('events', serdes.key, serdes.value);
  for (const [key, timestamp] of rows) input.pipeInput(key, 'x', timestamp);
  return read(driver, keySerde);
}

function read(d: TopologyTestDriver, keySerde: ReturnType<typeof timeWindowedSerde<string>>): string[] {
  return d
    .createOutputTopic('out', keySerde, Serdes.json<number | null>())
    .readKeyValuesToList()
    .map(([w, count]) => `${w.key}@[${w.window.start},${w.window.end}]=${count}`);
}

function windowedCounts(windows: TimeWindows): { builder: StreamsBuilder; table: KTable<Windowed<string>, number> } {
  const builder = new StreamsBuilder();
  const table = builder.stream('events', serdes).groupByKey().windowedBy(windows).count(Materialized.as('window-counts'));
  return { builder, table };
}

const out = { value: Serdes.json<number | null>() };

describe('time windows', () => {
  test('tumbling windows with grace: out-of-order records count until stream time reaches end + grace, later ones are dropped', async () => {
    const { builder, table } = windowedCounts(TimeWindows.ofSizeAndGrace(10_000, 5_000));
    table.toStream().to('out', out);
    const results = await run(builder, timeWindowedSerde(Serdes.string(), 10_000), [
      ['k', 1_000], // [0,10000) = 1
      ['k', 14_999], // [10000,20000) = 1; stream time 14999, windows ending <= 9999 are closed
      ['k', 9_999], // [0,10000) ends at 10000 > 9999: still open = 2
      ['k', 15_000], // [10000,20000) = 2; now windows ending <= 10000 are closed
      ['k', 9_999], // [0,10000) closed: dropped
    ]);
    expect(results).toEqual(['k@[0,10000]=1', 'k@[10000,20000]=1', 'k@[0,10000]=2', 'k@[10000,20000]=2']);
    expect(driver!.droppedRecordsTotal()).toBe(1);
  });

  test('windows are aligned to the epoch', async () => {
    const { builder, table } = windowedCounts(TimeWindows.ofSizeWithNoGrace(60_000));
    table.toStream().to('out', out);
    expect(await run(builder, timeWindowedSerde(Serdes.string(), 60_000), [['k', 123_456]])).toEqual(['k@[120000,180000]=1']);
  });

  test('hopping windows: each record counts in every window containing it, oldest window first', async () => {
    const { builder, table } = windowedCounts(TimeWindows.ofSizeWithNoGrace(10_000).advanceBy(5_000));
    table.toStream().to('out', out);
    const results = await run(builder, timeWindowedSerde(Serdes.string(), 10_000), [
      ['k', 7_000], // [0,10000) and [5000,15000)
      ['k', 12_000], // [5000,15000) and [10000,20000); [0,10000) is not touched
    ]);
    expect(results).toEqual(['k@[0,10000]=1', 'k@[5000,15000]=1', 'k@[5000,15000]=2', 'k@[10000,20000]=1']);
  });

  test('without a flush per record, the window cache forwards each window once per flush with the result last forwarded as old value', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('events', serdes)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000))
      .count(Materialized.as('window-counts'))
      .toStream()
      .to('out', out);
    driver = await TopologyTestDriver.create(builder.build(), { flushCachesAfterEachRecord: false });
    const input = driver.createInputTopic('events', serdes.key, serdes.value);
    for (const [key, timestamp] of [['a', 1_000], ['b', 2_000], ['a', 3_000], ['a', 12_000]] as const) input.pipeInput(key, 'x', timestamp);
    const keySerde = timeWindowedSerde(Serdes.string(), 10_000);
    expect(read(driver, keySerde)).toEqual([]);
    driver.flush();
    // In the order of each window's last update: b@0 (2000), a@0 (3000), a@10000 (12000).
    expect(read(driver, keySerde)).toEqual(['b@[0,10000]=1', 'a@[0,10000]=2', 'a@[10000,20000]=1']);
    input.pipeInput('a', 'x', 13_000);
    driver.flush();
    expect(read(driver, keySerde)).toEqual(['a@[10000,20000]=2']);
    // The changelog got one record per window per flush, not one per update.
    expect(driver.createOutputTopic('test-app-window-counts-changelog', Serdes.bytes(), Serdes.bytes()).readRecordsToList()).toHaveLength(4);
  });

  test('Materialized caching: false forwards every update at once', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('events', serdes)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000))
      .count({ caching: false })
      .toStream()
      .to('out', out);
    const results = await run(builder, timeWindowedSerde(Serdes.string(), 10_000), [['a', 1_000], ['a', 2_000]], { flushCachesAfterEachRecord: false });
    expect(results).toEqual(['a@[0,10000]=1', 'a@[0,10000]=2']);
  });

  test('the type of a windowed count is inferred as KTable<Windowed<K>, number>', () => {
    const builder = new StreamsBuilder();
    const table = builder.stream('events', serdes).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count();
    const typed: KTable<Windowed<string>, number> = table;
    expect(typed.queryableStoreName).toBe('KSTREAM-AGGREGATE-STATE-STORE-0000000001');
  });
});

describe('session windows', () => {
  test('records within the gap merge sessions; merged sessions are deleted downstream; late sessions within grace still merge', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('events', serdes)
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(5_000, 10_000))
      .count()
      .toStream()
      .to('out', out);
    const results = await run(builder, sessionWindowedSerde(Serdes.string()), [
      ['k', 1_000], // new session [1000,1000] = 1
      ['k', 3_000], // merges it: [1000,3000] = 2
      ['k', 20_000], // too far: new session [20000,20000] = 1
      ['k', 10_000], // [1000,3000] ends before 10000 - gap, [20000,20000] starts after 10000 + gap: new [10000,10000] = 1
      ['k', 15_000], // bridges [10000,10000] and [20000,20000]: [10000,20000] = 3
    ]);
    expect(results).toEqual([
      'k@[1000,1000]=1',
      'k@[1000,1000]=null',
      'k@[1000,3000]=2',
      'k@[20000,20000]=1',
      'k@[10000,10000]=1',
      'k@[10000,10000]=null',
      'k@[20000,20000]=null',
      'k@[10000,20000]=3',
    ]);
  });

  test('a record whose session ended more than grace before stream time is dropped', async () => {
    const builder = new StreamsBuilder();
    builder.stream('events', serdes).groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1_000)).count().toStream().to('out', out);
    const results = await run(builder, sessionWindowedSerde(Serdes.string()), [
      ['a', 10_000],
      ['b', 5_000], // session [5000,5000] ends before stream time 10000 with no grace: dropped
    ]);
    expect(results).toEqual(['a@[10000,10000]=1']);
    expect(driver!.droppedRecordsTotal()).toBe(1);
  });
});

describe('sliding windows', () => {
  test('each record gets a window ending at it and one starting after it; out-of-order records update all windows holding them', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('events', serdes)
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 100))
      .count()
      .toStream()
      .to('out', out);
    const results = await run(builder, timeWindowedSerde(Serdes.string(), 10), [
      ['k', 100], // [90,100] = {100}
      ['k', 105], // [95,105] = {100,105}; [101,111] (after 100) = {105}
      ['k', 103], // [93,103] = {100,103}; [95,105] and [101,111] gain it; [104,114] (after 103) = {105}
      ['k', 4], // 4 + grace 100 < stream time 105: dropped
    ]);
    expect(results).toEqual([
      'k@[90,100]=1',
      'k@[95,105]=2',
      'k@[101,111]=1',
      'k@[93,103]=2',
      'k@[95,105]=3',
      'k@[101,111]=2',
      'k@[104,114]=1',
    ]);
    expect(driver!.droppedRecordsTotal()).toBe(1);
  });

  test('sliding windows need the value serde for their records store', () => {
    const grouped = new StreamsBuilder().stream('events', serdes).mapValues((v) => v.length).groupByKey();
    expect(() => grouped.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).count()).toThrow(/value serde is unknown because mapValues/);
  });
});

describe('suppress(untilWindowCloses)', () => {
  test('emits exactly one final result per window, when stream time passes end + grace', async () => {
    const { builder, table } = windowedCounts(TimeWindows.ofSizeAndGrace(10_000, 2_000));
    table.suppress(Suppressed.untilWindowCloses()).toStream().to('out', out);
    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('events', serdes.key, serdes.value);
    const keySerde = timeWindowedSerde(Serdes.string(), 10_000);
    input.pipeInput('a', 'x', 1_000);
    input.pipeInput('a', 'x', 3_000);
    input.pipeInput('b', 'x', 5_000);
    input.pipeInput('a', 'x', 11_000); // stream time 11000: [0,10000) closes at 12000
    expect(read(driver, keySerde)).toEqual([]);
    input.pipeInput('a', 'x', 12_000); // closes [0,10000): final a=2, b=1
    expect(read(driver, keySerde)).toEqual(['a@[0,10000]=2', 'b@[0,10000]=1']);
    input.pipeInput('b', 'x', 9_500); // too late for [0,10000): dropped by the aggregation, no second result
    input.pipeInput('a', 'x', 25_000); // closes [10000,20000): a=2
    expect(read(driver, keySerde)).toEqual(['a@[10000,20000]=2']);
    expect(driver.droppedRecordsTotal()).toBe(1);
  });

  test('closeOnWallClock also closes windows when the wall clock passes end + grace, with no newer record', async () => {
    const { builder, table } = windowedCounts(TimeWindows.ofSizeAndGrace(10_000, 1_000));
    table.suppress(Suppressed.untilWindowCloses({ closeOnWallClock: true, wallClockCheckIntervalMs: 1_000 })).toStream().to('out', out);
    driver = await TopologyTestDriver.create(builder.build(), { initialWallClockTimeMs: 100_000 });
    const input = driver.createInputTopic('events', serdes.key, serdes.value);
    const keySerde = timeWindowedSerde(Serdes.string(), 10_000);
    input.pipeInput('sensor', 'x', 100_500); // window [100000,110000), closes at 111000
    driver.advanceWallClockTime(10_000); // 110000: not yet
    expect(read(driver, keySerde)).toEqual([]);
    driver.advanceWallClockTime(1_000); // 111000: closed
    expect(read(driver, keySerde)).toEqual(['sensor@[100000,110000]=1']);
    // Stream time is still 100500, so the aggregation accepts this one, but the window's final
    // result is out: the update is dropped rather than emitted a second time.
    input.pipeInput('sensor', 'x', 105_000);
    expect(read(driver, keySerde)).toEqual([]);
    expect(driver.droppedRecordsTotal()).toBe(1);
  });

  test('suppress needs a windowed aggregation', () => {
    const builder = new StreamsBuilder();
    const counts = builder.stream('events', serdes).groupByKey().count() as unknown as KTable<Windowed<string>, number>;
    expect(() => counts.suppress(Suppressed.untilWindowCloses())).toThrow(/needs the result of a windowed aggregation/);
  });
});
