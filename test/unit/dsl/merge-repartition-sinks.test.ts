import { afterEach, describe, expect, test } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';
import { TopologyError } from '../../../src/topology/index.js';

const serdes = { key: Serdes.string(), value: Serdes.int32() };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe('merge', () => {
  test('records of both streams reach the merged stream, in the order they are processed', async () => {
    const builder = new StreamsBuilder();
    const north = builder.stream('north', serdes);
    const south = builder.stream('south', serdes).mapValues((c) => c * 10);
    north.merge(south).to('all', { value: Serdes.int32() });
    driver = await TopologyTestDriver.create(builder.build());
    const northIn = driver.createInputTopic('north', serdes.key, serdes.value);
    const southIn = driver.createInputTopic('south', serdes.key, serdes.value);
    northIn.pipeInput('n1', 1, 100);
    southIn.pipeInput('s1', 2, 50);
    northIn.pipeInput('n2', 3, 200);
    expect(driver.createOutputTopic('all', serdes.key, serdes.value).readKeyValuesToList()).toEqual([
      ['n1', 1],
      ['s1', 20],
      ['n2', 3],
    ]);
  });

  test('a merged stream keeps the known serdes of either input, and needs a repartition if either does', () => {
    const builder = new StreamsBuilder();
    const a = builder.stream('a', serdes).selectKey((key) => key.toUpperCase());
    const merged = a.merge(builder.stream('b', serdes));
    expect(merged.repartitionRequired).toBe(true);
    expect(merged.keySerde).toEqual({ known: expect.anything() });
  });

  test('streams of two builders cannot be merged', () => {
    const a = new StreamsBuilder().stream('a', serdes);
    const b = new StreamsBuilder().stream('b', serdes);
    expect(() => a.merge(b)).toThrow(/same StreamsBuilder/);
  });
});

describe('repartition', () => {
  test('writes through an internal topic named after the app and feeds the next sub-topology', async () => {
    const builder = new StreamsBuilder();
    const rekeyed = builder.stream('readings', serdes).selectKey((_key, c): string => (c > 30 ? 'hot' : 'cold'));
    expect(rekeyed.repartitionRequired).toBe(true);
    const repartitioned = rekeyed.repartition({ name: 'by-band', key: Serdes.string(), partitions: 4 });
    expect(repartitioned.repartitionRequired).toBe(false);
    repartitioned.mapValues((c) => c + 1).to('banded', { value: Serdes.int32() });
    const topology = builder.build();
    expect(topology.subtopologies().map((s) => s.sourceTopics)).toEqual([['readings'], ['by-band-repartition']]);
    expect(topology.internalTopics('fleet')).toEqual([
      { name: 'fleet-by-band-repartition', kind: 'repartition', partitions: 4, partitionsFrom: ['readings'], config: { 'cleanup.policy': 'delete' } },
    ]);

    driver = await TopologyTestDriver.create(topology, { applicationId: 'fleet' });
    const input = driver.createInputTopic('readings', serdes.key, serdes.value);
    input.pipeInput('t1', 35, 10);
    input.pipeInput('t2', 5, 20);
    expect(driver.createOutputTopic('banded', serdes.key, serdes.value).readRecordsToList()).toEqual([
      { key: 'hot', value: 36, timestamp: 10, headers: {} },
      { key: 'cold', value: 6, timestamp: 20, headers: {} },
    ]);
    expect(driver.createOutputTopic('fleet-by-band-repartition', serdes.key, serdes.value).readKeyValuesToList()).toEqual([
      ['hot', 35],
      ['cold', 5],
    ]);
  });

  test('gets a generated name when none is given', () => {
    const builder = new StreamsBuilder();
    builder.stream('readings', serdes).repartition().to('out');
    const nodes = builder.build().subtopologies().flatMap((s) => s.nodes.map((n) => n.name));
    expect(nodes).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-REPARTITION-0000000001-repartition-sink',
      'KSTREAM-REPARTITION-0000000001-repartition-source',
      'KSTREAM-SINK-0000000002',
    ]);
  });
});

describe('to', () => {
  test('a topic extractor picks the topic per record', async () => {
    const builder = new StreamsBuilder();
    builder.stream('readings', serdes).to((key, c, record) => (c > 30 ? `alerts-${key}` : `log-${record.timestamp}`));
    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('readings', serdes.key, serdes.value);
    input.pipeInput('t1', 35, 1);
    input.pipeInput('t2', 10, 2);
    expect(driver.createOutputTopic('alerts-t1', serdes.key, serdes.value).readKeyValuesToList()).toEqual([['t1', 35]]);
    expect(driver.createOutputTopic('log-2', serdes.key, serdes.value).readKeyValuesToList()).toEqual([['t2', 10]]);
  });

  test('a partitioner out of range is a processing failure of that record', async () => {
    const builder = new StreamsBuilder();
    builder.stream('readings', serdes).to('out', { partitioner: (_key, _value, count) => count });
    driver = await TopologyTestDriver.create(builder.build());
    driver.createInputTopic('readings', serdes.key, serdes.value).pipeInput('t1', 1, 1);
    const [dead] = driver.dlqRecords();
    expect(dead.headers['tributary.error.class']?.toString()).toBe('RangeError');
    expect(dead.headers['tributary.error.message']?.toString()).toBe('Partitioner of sink KSTREAM-SINK-0000000001 returned 1 for topic out with 1 partitions');
  });

  test('a sink needs a serde for a type some operator changed, and the error names that operator', () => {
    const stream = new StreamsBuilder().stream('readings', serdes);
    expect(() => stream.mapValues((c) => `${c}`).to('labels')).toThrow(
      new TopologyError(
        'sink KSTREAM-SINK-0000000002 (to topic labels): the value serde is unknown because mapValues KSTREAM-MAPVALUES-0000000001 ' +
          'changed the value type; pass { value: <serde> } in the options of this operator',
      ),
    );
    expect(() => stream.selectKey((_key, c) => c, { name: 'by-celsius' }).repartition()).toThrow(
      /^repartition KSTREAM-REPARTITION-0000000003: the key serde is unknown because selectKey by-celsius changed the key type/,
    );
    expect(() => stream.map((key, c) => [c, key]).to(() => 'x', { key: Serdes.int32() })).toThrow(
      /^sink KSTREAM-SINK-0000000005 \(to a topic extractor\): the value serde is unknown because map KSTREAM-MAP-0000000004/,
    );
  });
});

describe('through', () => {
  test('writes a user topic and continues from it in a new sub-topology', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('readings', serdes)
      .mapValues((c) => c * 2)
      .through('doubled', { value: Serdes.int32() })
      .filter((_key, c) => c > 10)
      .to('big');
    const topology = builder.build();
    expect(topology.subtopologies().map((s) => s.sourceTopics)).toEqual([['readings'], ['doubled']]);
    expect(topology.internalTopics('app')).toEqual([]);

    driver = await TopologyTestDriver.create(topology);
    const input = driver.createInputTopic('readings', serdes.key, serdes.value);
    input.pipeInput('a', 3);
    input.pipeInput('b', 8);
    expect(driver.createOutputTopic('doubled', serdes.key, serdes.value).readKeyValuesToList()).toEqual([
      ['a', 6],
      ['b', 16],
    ]);
    expect(driver.createOutputTopic('big', serdes.key, serdes.value).readKeyValuesToList()).toEqual([['b', 16]]);
  });
});
