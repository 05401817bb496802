import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { countSerde, StreamsBuilder } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import type { KeyValueStore } from '../../../src/state/key-value-store.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';

const serdes = { key: Serdes.string(), value: Serdes.string() };
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function countTopology(storeType: 'in-memory' | 'persistent' = 'in-memory') {
  const builder = new StreamsBuilder();
  builder.stream('in', serdes).groupByKey().count({ name: 'counts', storeType }).toStream().to('out');
  return builder.build();
}

describe('TopologyTestDriver with state', () => {
  test('changelog records of logged stores are captured like any output topic', async () => {
    const driver = await TopologyTestDriver.create(countTopology());
    const input = driver.createInputTopic('in', serdes.key, serdes.value);
    input.pipeInput('a', 'x', 5);
    input.pipeInput('a', 'x', 6);
    const changelog = driver.createOutputTopic('test-app-counts-changelog', Serdes.string(), countSerde).readRecordsToList();
    expect(changelog.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 1, 5], ['a', 2, 6]]);
    await driver.close();
  });

  test('cacheMaxBytes: 0 forwards every update even when caches only flush on demand', async () => {
    const driver = await TopologyTestDriver.create(countTopology(), { flushCachesAfterEachRecord: false, cacheMaxBytes: 0 });
    const input = driver.createInputTopic('in', serdes.key, serdes.value);
    input.pipeInput('a', 'x', 5);
    input.pipeInput('a', 'x', 6);
    expect(driver.createOutputTopic('out', Serdes.string(), countSerde).readValuesToList()).toEqual([1, 2]);
    await driver.close();
  });

  test('a persistent (LevelDB) store works under the driver; close() waits for its writes', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'tributary-driver-'));
    dirs.push(stateDir);
    const first = await TopologyTestDriver.create(countTopology('persistent'), { stateDir });
    const input = first.createInputTopic('in', serdes.key, serdes.value);
    for (let i = 0; i < 3; i++) input.pipeInput('a', 'x', i);
    expect(first.getStateStore<KeyValueStore<string, number>>('counts').get('a')).toBe(3);
    await first.close();
    // The data reached disk: a new driver on the same directory sees it without any restore.
    const second = await TopologyTestDriver.create(countTopology('persistent'), { stateDir });
    expect(second.getStateStore<KeyValueStore<string, number>>('counts').get('a')).toBe(3);
    await second.close();
  });
});
