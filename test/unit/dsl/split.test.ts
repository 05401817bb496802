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

describe('split / branch', () => {
  test('each record goes to the first branch that accepts it; the default branch takes the rest', async () => {
    const builder = new StreamsBuilder();
    const branches = builder
      .stream('celsius', serdes)
      .split()
      .branch((_key, c) => c >= 40, { name: 'critical' })
      .branch((_key, c) => c >= 30, { name: 'hot' })
      .defaultBranch({ name: 'normal' });
    expect(Object.keys(branches)).toEqual(['critical', 'hot', 'normal']);
    branches.critical.to('critical');
    branches.hot.to('hot');
    branches.normal.to('normal');

    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('celsius', serdes.key, serdes.value);
    input.pipeRecords([
      { key: 'a', value: 45 },
      { key: 'b', value: 35 },
      { key: 'c', value: 20 },
      { key: 'd', value: 40 },
    ]);
    const read = (topic: string) => driver!.createOutputTopic(topic, serdes.key, serdes.value).readKeyValuesToList();
    expect(read('critical')).toEqual([
      ['a', 45],
      ['d', 40],
    ]);
    expect(read('hot')).toEqual([['b', 35]]);
    expect(read('normal')).toEqual([['c', 20]]);
  });

  test('without a default branch, records no branch accepts are dropped', async () => {
    const builder = new StreamsBuilder();
    const { only } = builder
      .stream('celsius', serdes)
      .split()
      .branch((_key, c) => c > 0, { name: 'only' })
      .noDefaultBranch();
    only.to('positive');
    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('celsius', serdes.key, serdes.value);
    input.pipeInput('a', -1);
    input.pipeInput('b', 1);
    expect(driver.createOutputTopic('positive', serdes.key, serdes.value).readKeyValuesToList()).toEqual([['b', 1]]);
  });

  test('keys get the split prefix; unnamed branches are numbered from 1 and an unnamed default is 0', () => {
    const builder = new StreamsBuilder();
    const branches = builder
      .stream('celsius', serdes)
      .split({ name: 'temp-' })
      .branch((_key, c) => c > 30)
      .branch((_key, c) => c > 20, { name: 'warm' })
      .branch((_key, c) => c > 10)
      .defaultBranch();
    expect(Object.keys(branches)).toEqual(['temp-1', 'temp-warm', 'temp-3', 'temp-0']);
    const nodes = builder.build().describe().subtopologies[0].nodes;
    expect(nodes.map((n) => n.name)).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'temp-',
      'KSTREAM-BRANCHCHILD-0000000001',
      'temp-warm',
      'KSTREAM-BRANCHCHILD-0000000002',
      'KSTREAM-BRANCHCHILD-0000000003',
    ]);
  });

  test('branches cannot be added once the split is finished', () => {
    const split = new StreamsBuilder().stream('celsius', serdes).split();
    split.noDefaultBranch();
    expect(() => split.branch(() => true)).toThrow(TopologyError);
  });
});
