import { afterEach, describe, expect, test } from 'vitest';
import { countSerde, Materialized, StreamsBuilder } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import type { KeyValueStore } from '../../../src/state/key-value-store.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';

interface User {
  name: string;
  age: number;
}

const userSerdes = { key: Serdes.string(), value: Serdes.json<User>() };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe('KTable', () => {
  test('a source table keeps the latest value per key; a tombstone deletes the key', async () => {
    const builder = new StreamsBuilder();
    builder.table('users', userSerdes, Materialized.as('users-store')).toStream().to('changes');
    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('users', userSerdes.key, userSerdes.value);
    input.pipeInput('alice', { name: 'Alice', age: 30 }, 1);
    input.pipeInput('bob', { name: 'Bob', age: 40 }, 2);
    input.pipeInput('alice', { name: 'Alice', age: 31 }, 3);
    input.pipeInput('alice', null as unknown as User, 4);
    input.pipeInput('carol', null as unknown as User, 5); // nothing to delete: no change
    const store = driver.getStateStore<KeyValueStore<string, User>>('users-store');
    expect([store.get('alice'), store.get('bob')]).toEqual([undefined, { name: 'Bob', age: 40 }]);
    expect(driver.createOutputTopic('changes', Serdes.string(), Serdes.json<User | null>()).readKeyValuesToList()).toEqual([
      ['alice', { name: 'Alice', age: 30 }],
      ['bob', { name: 'Bob', age: 40 }],
      ['alice', { name: 'Alice', age: 31 }],
      ['alice', null],
    ]);
  });

  test('filter turns an update that stops matching into a delete and forwards nothing for entries that never matched', async () => {
    const builder = new StreamsBuilder();
    builder
      .table('users', userSerdes)
      .filter((_id, user) => user.age >= 18)
      .toStream()
      .to('adults');
    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('users', userSerdes.key, userSerdes.value);
    input.pipeInput('alice', { name: 'Alice', age: 20 }, 1); // insert
    input.pipeInput('bob', { name: 'Bob', age: 15 }, 2); // never matched: nothing
    input.pipeInput('alice', { name: 'Alice', age: 17 }, 3); // stops matching: delete
    input.pipeInput('alice', null as unknown as User, 4); // old 17 and new null both filtered: nothing
    input.pipeInput('bob', { name: 'Bob', age: 18 }, 5); // starts matching: insert
    const out = driver.createOutputTopic('adults', Serdes.string(), Serdes.json<User | null>()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['alice', { name: 'Alice', age: 20 }, 1],
      ['alice', null, 3],
      ['bob', { name: 'Bob', age: 18 }, 5],
    ]);
  });

  test('mapValues transforms new and old values; filterNot after it still sees the mapped values', async () => {
    const builder = new StreamsBuilder();
    builder
      .table('users', userSerdes)
      .mapValues((user, id) => `${id}:${user.age}`)
      .filterNot((_id, label) => label.endsWith(':0'))
      .toStream()
      .to('labels', { value: Serdes.string() });
    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('users', userSerdes.key, userSerdes.value);
    input.pipeInput('a', { name: 'A', age: 1 }, 1);
    input.pipeInput('b', { name: 'B', age: 0 }, 2);
    input.pipeInput('a', { name: 'A', age: 0 }, 3);
    expect(driver.createOutputTopic('labels', Serdes.string(), Serdes.string()).readKeyValuesToList()).toEqual([
      ['a', 'a:1'],
      ['a', null],
    ]);
  });

  test('a table stream feeds an aggregation: one update per input record (the driver flushes caches after each)', async () => {
    const builder = new StreamsBuilder();
    builder.table('users', userSerdes).toStream().filter((_id, user) => user !== null).groupByKey().count().toStream().to('updates');
    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('users', userSerdes.key, userSerdes.value);
    input.pipeInput('a', { name: 'A', age: 1 }, 1);
    input.pipeInput('a', { name: 'A', age: 2 }, 2);
    input.pipeInput('b', { name: 'B', age: 1 }, 3);
    expect(driver.createOutputTopic('updates', Serdes.string(), countSerde).readKeyValuesToList()).toEqual([['a', 1], ['a', 2], ['b', 1]]);
  });

  test('a global table is a global store sub-topology, filled by piping its topic', async () => {
    const builder = new StreamsBuilder();
    builder.globalTable('sites', { key: Serdes.string(), value: Serdes.string() }, Materialized.as('sites-store'));
    builder.stream('readings', { key: Serdes.string(), value: Serdes.string() }).to('out');
    const topology = builder.build();
    expect(topology.describe().toString()).toContain('Sub-topology: 1 for global store (will not generate tasks)');
    expect(topology.sourceTopics('app')).toEqual(['readings']);
    expect(topology.internalTopics('app')).toEqual([]);
    driver = await TopologyTestDriver.create(topology);
    const sites = driver.createInputTopic('sites', Serdes.string(), Serdes.string());
    sites.pipeInput('s1', 'Oslo', 1);
    sites.pipeInput('s2', 'Rome', 2);
    sites.pipeInput('s1', null as unknown as string, 3);
    const store = driver.getStateStore<KeyValueStore<string, string>>('sites-store');
    expect([store.get('s1'), store.get('s2')]).toEqual([undefined, 'Rome']);
  });
});
