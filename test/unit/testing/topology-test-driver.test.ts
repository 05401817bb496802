import { describe, expect, test } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';
import { Topology } from '../../../src/topology/index.js';
import { testStoreBuilder, type TestKeyValueStore } from '../processor/support/test-key-value-store.js';

const serdes = { key: Serdes.string(), value: Serdes.int32() };

function doubler(): Topology {
  const builder = new StreamsBuilder();
  builder.stream('in', serdes).mapValues((v) => v * 2).to('out', { value: Serdes.int32() });
  return builder.build();
}

describe('TopologyTestDriver', () => {
  test('pipes input and reads output record by record', async () => {
    const driver = await TopologyTestDriver.create(doubler());
    const input = driver.createInputTopic('in', serdes.key, serdes.value);
    const output = driver.createOutputTopic('out', serdes.key, serdes.value);
    expect(output.isEmpty()).toBe(true);
    input.pipeInput('a', 1, 10, { h: Buffer.from('1') });
    input.pipeRecords([
      { key: 'b', value: 2, timestamp: 20 },
      { key: 'c', value: 3, timestamp: 30 },
    ]);
    expect(output.isEmpty()).toBe(false);
    expect(output.readRecord()).toEqual({ key: 'a', value: 2, timestamp: 10, headers: { h: Buffer.from('1') } });
    expect(output.readKeyValue()).toEqual(['b', 4]);
    expect(output.readValue()).toBe(6);
    expect(output.isEmpty()).toBe(true);
    expect(() => output.readRecord()).toThrow('No more records in output topic out');
    await driver.close();
  });

  test('each output record is read once, whichever reader reads it', async () => {
    const driver = await TopologyTestDriver.create(doubler());
    driver.createInputTopic('in', serdes.key, serdes.value).pipeRecords([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    const first = driver.createOutputTopic('out', serdes.key, serdes.value);
    const second = driver.createOutputTopic('out', serdes.key, serdes.value);
    expect(first.readKeyValue()).toEqual(['a', 2]);
    expect(second.readKeyValuesToList()).toEqual([['b', 4]]);
    expect(first.readValuesToList()).toEqual([]);
  });

  test('records without a timestamp get the driver wall-clock time', async () => {
    const driver = await TopologyTestDriver.create(doubler(), { initialWallClockTimeMs: 5_000 });
    const input = driver.createInputTopic('in', serdes.key, serdes.value);
    input.pipeInput('a', 1);
    driver.advanceWallClockTime(250);
    input.pipeInput('b', 1);
    expect(driver.createOutputTopic('out', serdes.key, serdes.value).readRecordsToList().map((r) => r.timestamp)).toEqual([5_000, 5_250]);
  });

  test('only topics the topology reads can be input topics', async () => {
    const driver = await TopologyTestDriver.create(doubler());
    expect(() => driver.createInputTopic('out', serdes.key, serdes.value)).toThrow('The topology does not read topic out (it reads: in)');
  });

  test('internal topics have the application id in their name (default test-app)', async () => {
    const builder = new StreamsBuilder();
    builder.stream('in', serdes).repartition({ name: 'r' }).to('out');
    const driver = await TopologyTestDriver.create(builder.build());
    expect(driver.applicationId).toBe('test-app');
    driver.createInputTopic('test-app-r-repartition', serdes.key, serdes.value).pipeInput('direct', 9);
    expect(driver.createOutputTopic('out', serdes.key, serdes.value).readKeyValuesToList()).toEqual([['direct', 9]]);
  });

  test('dlqRecords returns each dead letter once', async () => {
    const builder = new StreamsBuilder();
    builder.stream('in', { key: Serdes.string(), value: Serdes.json<{ n: number }>() }).to('out');
    const driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'app' });
    driver.createInputTopic('in', Serdes.string(), Serdes.string()).pipeInput('k', '{oops');
    expect(driver.dlqRecords().map((r) => r.value?.toString())).toEqual(['{oops']);
    expect(driver.dlqRecords()).toEqual([]);
  });

  test('exposes state stores and closes them on close()', async () => {
    const store = testStoreBuilder<string, number>('seen');
    const topology = new Topology()
      .addSource('src', 'in', serdes)
      .addProcessor('p', () => ({ process: () => undefined }), 'src')
      .addStateStore(store, 'p');
    const driver = await TopologyTestDriver.create(topology);
    expect(driver.getStateStore<TestKeyValueStore<string, number>>('seen')).toBe(store.built[0]);
    expect(() => driver.getStateStore('other')).toThrow('No task of this topology has a state store named other');
    await driver.close();
    expect(store.built[0].closed).toBe(true);
  });

  test('advanceWallClockTime refuses to go back in time', async () => {
    const driver = await TopologyTestDriver.create(doubler());
    expect(() => driver.advanceWallClockTime(-1)).toThrow(RangeError);
  });
});
