import { describe, expect, test } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/index.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../../src/processor/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';
import { TopologyError } from '../../../src/topology/index.js';
import { testStoreBuilder, type TestKeyValueStore } from '../processor/support/test-key-value-store.js';

const serdes = { key: Serdes.string(), value: Serdes.int32() };

function program(builder: StreamsBuilder): void {
  builder
    .stream('in', serdes)
    .filter((_key, v) => v > 0)
    .mapValues((v) => v * 2)
    .peek(() => undefined, { name: 'audit' })
    .selectKey((key) => key.toUpperCase())
    .to('out', { key: Serdes.string(), value: Serdes.int32() });
}

describe('node names', () => {
  test('are generated Kafka Streams style from a per-builder counter, the same on every build', () => {
    const names = () => {
      const builder = new StreamsBuilder();
      program(builder);
      return builder.build().subtopologies()[0].nodes.map((n) => n.name);
    };
    expect(names()).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-FILTER-0000000001',
      'KSTREAM-MAPVALUES-0000000002',
      'audit',
      'KSTREAM-KEY-SELECT-0000000003',
      'KSTREAM-SINK-0000000004',
    ]);
    expect(names()).toEqual(names());
  });

  test('every operator takes a name', () => {
    const builder = new StreamsBuilder();
    const s = builder.stream('in', { ...serdes, name: 'source' });
    s.filter(() => true, { name: 'f' })
      .filterNot(() => false, { name: 'fn' })
      .map((k, v) => [k, v], { name: 'm' })
      .mapValues((v) => v, { name: 'mv' })
      .flatMap((k, v) => [[k, v]], { name: 'fm' })
      .flatMapValues((v) => [v], { name: 'fmv' })
      .selectKey((k) => k, { name: 'sk' })
      .peek(() => undefined, { name: 'p' })
      .merge(s, { name: 'merged' })
      .process(() => ({ process: () => undefined }), { name: 'proc' })
      .foreach(() => undefined, { name: 'fe' });
    s.to('out', { name: 'sink' });
    expect(builder.build().subtopologies()[0].nodes.map((n) => n.name)).toEqual([
      'source', 'f', 'fn', 'm', 'mv', 'fm', 'fmv', 'sk', 'p', 'merged', 'proc', 'fe', 'sink',
    ]);
  });

  test('a name used twice is a build error', () => {
    const s = new StreamsBuilder().stream('in', serdes);
    s.filter(() => true, { name: 'dup' });
    expect(() => s.mapValues((v) => v, { name: 'dup' })).toThrow(new TopologyError('A node named dup already exists in this topology'));
  });
});

describe('process', () => {
  class RunningTotal implements Processor<string, number, string, number> {
    private context!: ProcessorContext<string, number>;
    private totals!: TestKeyValueStore<string, number>;

    init(context: ProcessorContext<string, number>): void {
      this.context = context;
      this.totals = context.getStateStore('totals');
    }

    process(record: StreamRecord<string, number>): void {
      const total = (this.totals.get(record.key) ?? 0) + record.value;
      this.totals.put(record.key, total);
      this.context.forward({ ...record, value: total });
    }
  }

  test('runs a Processor API processor with its state store inside a DSL chain', async () => {
    const builder = new StreamsBuilder();
    const store = testStoreBuilder<string, number>('totals');
    builder.addStateStore(store);
    builder
      .stream('in', serdes)
      .process(() => new RunningTotal(), 'totals', { name: 'running-total' })
      .to('totals-out', { key: Serdes.string(), value: Serdes.int32() });
    const topology = builder.build();
    expect(topology.describe().subtopologies[0].nodes[1]).toMatchObject({ name: 'running-total', stores: ['totals'] });

    const driver = await TopologyTestDriver.create(topology);
    const input = driver.createInputTopic('in', serdes.key, serdes.value);
    input.pipeInput('a', 1);
    input.pipeInput('b', 5);
    input.pipeInput('a', 2);
    expect(driver.createOutputTopic('totals-out', serdes.key, serdes.value).readKeyValuesToList()).toEqual([
      ['a', 1],
      ['b', 5],
      ['a', 3],
    ]);
    expect(driver.getStateStore<TestKeyValueStore<string, number>>('totals').entries).toEqual(
      new Map([
        ['a', 3],
        ['b', 5],
      ]),
    );
    await driver.close();
  });

  test('naming a store that was not added is a build error', () => {
    const s = new StreamsBuilder().stream('in', serdes);
    expect(() => s.process(() => new RunningTotal(), 'missing')).toThrow(/add the store first/);
  });

  test('the output of process has unknown serdes and may have a new key', () => {
    const out = new StreamsBuilder().stream('in', serdes).process(() => new RunningTotal());
    expect(out.repartitionRequired).toBe(true);
    expect(() => out.to('x')).toThrow(/the key serde is unknown because process KSTREAM-PROCESSOR-0000000001 changed the key type/);
  });
});
