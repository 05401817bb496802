import { afterEach, describe, expect, test } from 'vitest';
import { countSerde, Materialized, StreamsBuilder } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import type { KeyValueStore } from '../../../src/state/key-value-store.js';
import { TopologyTestDriver, type TopologyTestDriverOptions } from '../../../src/testing/index.js';

interface Reading {
  site: string;
  celsius: number;
}

const readingSerdes = { key: Serdes.string(), value: Serdes.json<Reading>() };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function start(builder: StreamsBuilder, options: TopologyTestDriverOptions = {}): Promise<TopologyTestDriver> {
  driver = await TopologyTestDriver.create(builder.build(), options);
  return driver;
}

function pipeReadings(d: TopologyTestDriver, rows: [string, string, number, number][]): void {
  const input = d.createInputTopic('readings', readingSerdes.key, readingSerdes.value);
  for (const [sensor, site, celsius, timestamp] of rows) input.pipeInput(sensor, { site, celsius }, timestamp);
}

describe('grouping and aggregation', () => {
  test('groupByKey().count() emits the running count per key and keeps it in a queryable store', async () => {
    const builder = new StreamsBuilder();
    builder.stream('readings', readingSerdes).groupByKey().count(Materialized.as('counts')).toStream().to('counts-out');
    const d = await start(builder);
    pipeReadings(d, [['t1', 'north', 20, 1000], ['t2', 'south', 21, 2000], ['t1', 'north', 22, 3000]]);
    const out = d.createOutputTopic('counts-out', Serdes.string(), countSerde).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['t1', 1, 1000], ['t2', 1, 2000], ['t1', 2, 3000]]);
    const store = d.getStateStore<KeyValueStore<string, number>>('counts');
    expect([store.get('t1'), store.get('t2'), store.get('t3')]).toEqual([2, 1, undefined]);
  });

  test('groupByKey() right after the source does not repartition: one sub-topology', async () => {
    const builder = new StreamsBuilder();
    builder.stream('readings', readingSerdes).groupByKey().count(Materialized.as('counts'));
    const description = builder.build().describe();
    expect(description.subtopologies).toHaveLength(1);
    expect(builder.build().internalTopics('app').map((t) => t.name)).toEqual(['app-counts-changelog']);
  });

  test('groupBy(newKey) repartitions through <appId>-<store>-repartition and counts per new key', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('readings', readingSerdes)
      .groupBy((_sensor, r) => r.site, { key: Serdes.string() })
      .count()
      .toStream()
      .to('per-site', { key: Serdes.string(), value: countSerde });
    const topology = builder.build();
    // KSTREAM-SOURCE-0, KSTREAM-KEY-SELECT-1, store 2, aggregate 3, KTABLE-TOSTREAM-4, sink 5.
    expect(topology.internalTopics('test-app').map((t) => [t.name, t.kind])).toEqual([
      ['test-app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition', 'repartition'],
      ['test-app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog', 'changelog'],
    ]);
    expect(topology.subtopologies()).toHaveLength(2);
    const d = await start(builder);
    pipeReadings(d, [['t1', 'north', 20, 1000], ['t2', 'south', 21, 2000], ['t3', 'north', 22, 3000]]);
    expect(d.createOutputTopic('per-site', Serdes.string(), countSerde).readKeyValuesToList()).toEqual([
      ['north', 1],
      ['south', 1],
      ['north', 2],
    ]);
    expect(d.createOutputTopic('test-app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition', Serdes.string(), readingSerdes.value).readKeyValuesToList()).toEqual([
      ['north', { site: 'north', celsius: 20 }],
      ['south', { site: 'south', celsius: 21 }],
      ['north', { site: 'north', celsius: 22 }],
    ]);
  });

  test('selectKey before groupByKey also repartitions; Grouped names the topic; an unknown key serde is a build error', async () => {
    const named = new StreamsBuilder();
    named
      .stream('readings', readingSerdes)
      .selectKey((_sensor, r) => r.site)
      .groupByKey({ name: 'by-site', key: Serdes.string() })
      .count(Materialized.as('site-counts'));
    expect(named.build().internalTopics('app').map((t) => t.name)).toEqual(['app-by-site-repartition', 'app-site-counts-changelog']);

    const unnamed = new StreamsBuilder();
    const grouped = unnamed.stream('readings', readingSerdes).selectKey((_sensor, r) => r.site).groupByKey();
    expect(() => grouped.count()).toThrow(/key serde is unknown because selectKey KSTREAM-KEY-SELECT-0000000001 changed the key type/);
  });

  test('reduce combines values per key starting from the first; aggregate folds into another type', async () => {
    const builder = new StreamsBuilder();
    const bySensor = builder.stream('readings', readingSerdes).groupByKey();
    bySensor.reduce((max, r) => (r.celsius > max.celsius ? r : max)).toStream().to('max');
    bySensor
      .aggregate(() => ({ sum: 0, n: 0 }), (_key, r, acc) => ({ sum: acc.sum + r.celsius, n: acc.n + 1 }), Materialized.with(Serdes.string(), Serdes.json<{ sum: number; n: number }>()))
      .mapValues((acc) => acc.sum / acc.n)
      .toStream()
      .to('mean', { value: Serdes.json<number>() });
    const d = await start(builder);
    pipeReadings(d, [['t1', 'north', 20, 1000], ['t1', 'north', 26, 2000], ['t1', 'north', 23, 3000]]);
    expect(d.createOutputTopic('max', Serdes.string(), readingSerdes.value).readValuesToList().map((r) => r.celsius)).toEqual([20, 26, 26]);
    expect(d.createOutputTopic('mean', Serdes.string(), Serdes.json<number>()).readValuesToList()).toEqual([20, 23, 23]);
  });

  test('aggregate without a serde for its result is a build error', () => {
    const grouped = new StreamsBuilder().stream('readings', readingSerdes).groupByKey();
    expect(() => grouped.aggregate(() => 0, (_k, r, acc) => acc + r.celsius)).toThrow(/pass the aggregate's serde/);
  });

  test('without a flush per record, the cache forwards one update per key on flush(), with the latest value', async () => {
    const builder = new StreamsBuilder();
    builder.stream('readings', readingSerdes).groupByKey().count().toStream().to('counts-out');
    const d = await start(builder, { flushCachesAfterEachRecord: false });
    pipeReadings(d, [['t1', 'north', 20, 1000], ['t2', 'south', 21, 2000], ['t1', 'north', 22, 3000]]);
    const out = d.createOutputTopic('counts-out', Serdes.string(), countSerde);
    expect(out.isEmpty()).toBe(true);
    d.flush();
    // Flush order is the order of each key's last update: t2 (2000), then t1 (3000).
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['t2', 1, 2000], ['t1', 2, 3000]]);
  });

  test('records with a null key are skipped and counted as dropped', async () => {
    const builder = new StreamsBuilder();
    builder.stream('readings', readingSerdes).groupByKey().count().toStream().to('counts-out');
    const d = await start(builder);
    const input = d.createInputTopic('readings', readingSerdes.key, readingSerdes.value);
    input.pipeInput(null as unknown as string, { site: 'x', celsius: 1 }, 1000);
    input.pipeInput('t1', { site: 'x', celsius: 1 }, 1000);
    expect(d.createOutputTopic('counts-out', Serdes.string(), countSerde).readKeyValuesToList()).toEqual([['t1', 1]]);
    expect(d.droppedRecordsTotal()).toBe(1);
  });

  test('describe() warns about generated store and repartition names, and not when everything is named', () => {
    const generated = new StreamsBuilder();
    generated.stream('readings', readingSerdes).groupBy((_s, r) => r.site, { key: Serdes.string() }).count();
    const text = generated.build().describe().toString();
    expect(text).toContain(
      'Warning: stateful operators with generated names: [KSTREAM-AGGREGATE-STATE-STORE-0000000002, KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition].',
    );
    expect(text).toContain('Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])');

    const named = new StreamsBuilder();
    named.stream('readings', readingSerdes).groupBy((_s, r) => r.site, { name: 'by-site', key: Serdes.string() }).count(Materialized.as('site-counts'));
    expect(named.build().describe().toString()).not.toContain('Warning');
  });
});
