import { afterEach, describe, expect, test } from 'vitest';
import { JoinWindows, Materialized, StreamsBuilder, type KStream, type KTable } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver, type TestInputTopic } from '../../../src/testing/index.js';

const serdes = { key: Serdes.string(), value: Serdes.string() };
const nullable = Serdes.string() as unknown as import('../../../src/serde/index.js').Serde<string | null>;
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function start(builder: StreamsBuilder): Promise<TopologyTestDriver> {
  driver = await TopologyTestDriver.create(builder.build());
  return driver;
}

function outRows(d: TopologyTestDriver): [string, string | null, number][] {
  return d.createOutputTopic('out', Serdes.string(), nullable).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
}

const show = (v: string | null) => v ?? 'null';

describe('stream-stream joins', () => {
  function streams(): { builder: StreamsBuilder; left: KStream<string, string>; right: KStream<string, string> } {
    const builder = new StreamsBuilder();
    return { builder, left: builder.stream('left', serdes), right: builder.stream('right', serdes) };
  }

  function inputs(d: TopologyTestDriver): { l: TestInputTopic<string, string>; r: TestInputTopic<string, string> } {
    return { l: d.createInputTopic('left', serdes.key, serdes.value), r: d.createInputTopic('right', serdes.key, serdes.value) };
  }

  test('inner join: records of the same key within the time difference join, stamped with the later timestamp; late records are dropped', async () => {
    const { builder, left, right } = streams();
    left.join(right, (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(1_000)).to('out', { value: Serdes.string() });
    const d = await start(builder);
    const { l, r } = inputs(d);
    l.pipeInput('k', 'L1', 1_000);
    r.pipeInput('k', 'R1', 1_500); // joins L1
    r.pipeInput('k', 'R2', 2_500); // L1 is 1500 earlier: no
    l.pipeInput('k', 'L2', 2_000); // joins R1 and R2, oldest first
    r.pipeInput('j', 'R3', 2_000); // other key
    l.pipeInput('k', 'L0', 1_400); // 1400 + 1000 + 0 < stream time 2500: dropped
    expect(outRows(d)).toEqual([
      ['k', 'L1+R1', 1_500],
      ['k', 'L2+R1', 2_000],
      ['k', 'L2+R2', 2_500],
    ]);
    expect(d.droppedRecordsTotal()).toBe(1);
  });

  test('left join: a left record without partner is emitted with null once no partner can arrive any more', async () => {
    const { builder, left, right } = streams();
    left.leftJoin(right, (l, r) => `${l}+${show(r)}`, JoinWindows.ofTimeDifferenceAndGrace(1_000, 500)).to('out', { value: Serdes.string() });
    const d = await start(builder);
    const { l, r } = inputs(d);
    l.pipeInput('a', 'A1', 1_000); // waits: emitted once stream time passes 1000 + 1000 + 1000 + 500
    l.pipeInput('b', 'B1', 1_200);
    r.pipeInput('b', 'X', 1_800); // joins B1
    l.pipeInput('c', 'C1', 3_000); // stream time 3000: A1 still waits
    expect(outRows(d)).toEqual([['b', 'B1+X', 1_800]]);
    r.pipeInput('z', 'Z', 3_600); // stream time 3600 > 3500: A1 has no partner; Z itself is never emitted (left join)
    expect(outRows(d)).toEqual([['a', 'A1+null', 1_000]]);
  });

  test('outer join: unmatched records of both sides are emitted with null, in timestamp order', async () => {
    const { builder, left, right } = streams();
    left.outerJoin(right, (l, r) => `${show(l)}+${show(r)}`, JoinWindows.ofTimeDifferenceWithNoGrace(1_000)).to('out', { value: Serdes.string() });
    const d = await start(builder);
    const { l, r } = inputs(d);
    l.pipeInput('a', 'A', 1_000);
    r.pipeInput('b', 'B', 1_500);
    l.pipeInput('b', 'b1', 2_000); // joins B, which is then no longer unmatched
    r.pipeInput('x', 'X', 3_500); // stream time 3500 > 1000 + 2000: A is final
    l.pipeInput('y', 'Y', 6_000); // stream time 6000 > 3500 + 2000: X is final
    expect(outRows(d)).toEqual([
      ['b', 'b1+B', 2_000],
      ['a', 'A+null', 1_000],
      ['x', 'null+X', 3_500],
    ]);
  });

  test('a stream whose key changed is repartitioned before the join', () => {
    const { builder, left, right } = streams();
    left.selectKey((_k, v) => v).join(right, (l, r) => l + r, JoinWindows.ofTimeDifferenceWithNoGrace(10), { key: Serdes.string(), value: Serdes.string() });
    const names = builder.build().internalTopics('app').map((t) => t.name);
    expect(names).toContain('app-KSTREAM-JOINTHIS-0000000003-left-repartition');
    expect(names).toContain('app-KSTREAM-JOINTHIS-0000000003-store-changelog');
  });
});

describe('stream-table joins', () => {
  async function run(kind: 'join' | 'leftJoin'): Promise<[string, string | null, number][]> {
    const builder = new StreamsBuilder();
    const users = builder.table('users', serdes);
    const clicks = builder.stream('clicks', serdes);
    const joiner = (page: string, name: string | null) => `${page} by ${show(name)}`;
    (kind === 'join' ? clicks.join(users, joiner) : clicks.leftJoin(users, joiner)).to('out', { value: Serdes.string() });
    const d = await start(builder);
    const u = d.createInputTopic('users', serdes.key, serdes.value);
    const c = d.createInputTopic('clicks', serdes.key, serdes.value);
    c.pipeInput('u1', 'home', 1); // no user yet
    u.pipeInput('u1', 'Ann', 2); // table updates trigger nothing
    c.pipeInput('u1', 'cart', 3);
    u.pipeInput('u1', null as unknown as string, 4); // deleted
    c.pipeInput('u1', 'pay', 5);
    return outRows(d);
  }

  test('join: each record meets the table value current at its time; without one it produces nothing', async () => {
    expect(await run('join')).toEqual([['u1', 'cart by Ann', 3]]);
  });

  test('leftJoin: every record produces output, with null when the table has no value', async () => {
    expect(await run('leftJoin')).toEqual([
      ['u1', 'home by null', 1],
      ['u1', 'cart by Ann', 3],
      ['u1', 'pay by null', 5],
    ]);
  });
});

describe('table-table joins', () => {
  async function run(kind: 'join' | 'leftJoin' | 'outerJoin'): Promise<(string | null)[]> {
    const builder = new StreamsBuilder();
    const a: KTable<string, string> = builder.table('a', serdes);
    const b: KTable<string, string> = builder.table('b', serdes, Materialized.as('b-store'));
    const joiner = (l: string | null, r: string | null) => `${show(l)}/${show(r)}`;
    const joined = kind === 'join' ? a.join(b, joiner) : kind === 'leftJoin' ? a.leftJoin(b, joiner) : a.outerJoin(b, joiner);
    joined.toStream().to('out', { value: nullable });
    const d = await start(builder);
    const ia = d.createInputTopic('a', serdes.key, serdes.value);
    const ib = d.createInputTopic('b', serdes.key, serdes.value);
    ia.pipeInput('k', 'a1', 1);
    ib.pipeInput('k', 'b1', 2);
    ia.pipeInput('k', 'a2', 3);
    ib.pipeInput('k', null as unknown as string, 4);
    ia.pipeInput('k', null as unknown as string, 5);
    ib.pipeInput('k', 'b2', 6);
    return outRows(d).map(([, value]) => value);
  }

  test('inner join: a result while both sides have a value, a delete when one side goes', async () => {
    expect(await run('join')).toEqual(['a1/b1', 'a2/b1', null]);
  });

  test('left join: a result while the left side has a value', async () => {
    expect(await run('leftJoin')).toEqual(['a1/null', 'a1/b1', 'a2/b1', 'a2/null', null]);
  });

  test('outer join: a result while either side has a value', async () => {
    expect(await run('outerJoin')).toEqual(['a1/null', 'a1/b1', 'a2/b1', 'a2/null', null, 'null/b2']);
  });
});

describe('stream-GlobalKTable joins', () => {
  interface Reading {
    site: string;
    celsius: number;
  }

  async function run(kind: 'join' | 'leftJoin'): Promise<[string, string | null, number][]> {
    const builder = new StreamsBuilder();
    const sites = builder.globalTable('sites', serdes);
    const readings = builder.stream('readings', { key: Serdes.string(), value: Serdes.json<Reading>() });
    const joiner = (r: Reading, city: string | null) => `${show(city)}:${r.celsius}`;
    const bySite = (_sensor: string, r: Reading) => r.site;
    (kind === 'join' ? readings.join(sites, bySite, joiner) : readings.leftJoin(sites, bySite, joiner)).to('out', { value: Serdes.string() });
    const d = await start(builder);
    d.createInputTopic('sites', serdes.key, serdes.value).pipeInput('s1', 'Oslo', 1);
    const input = d.createInputTopic('readings', Serdes.string(), Serdes.json<Reading>());
    input.pipeInput('t1', { site: 's1', celsius: 5 }, 2);
    input.pipeInput('t2', { site: 's2', celsius: 7 }, 3);
    return outRows(d);
  }

  test('join looks up the entry the key selector picks, keeping the stream key', async () => {
    expect(await run('join')).toEqual([['t1', 'Oslo:5', 2]]);
  });

  test('leftJoin passes null for a missing entry', async () => {
    expect(await run('leftJoin')).toEqual([
      ['t1', 'Oslo:5', 2],
      ['t2', 'null:7', 3],
    ]);
  });
});
