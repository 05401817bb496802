import { afterEach, describe, expect, test } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';

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

/** Builds with `define`, pipes `[key, reading, timestamp]` into `readings`, and returns the driver. */
async function run(define: (builder: StreamsBuilder) => void, inputs: [string, Reading, number][]): Promise<TopologyTestDriver> {
  const builder = new StreamsBuilder();
  define(builder);
  driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('readings', readingSerdes.key, readingSerdes.value);
  for (const [key, value, timestamp] of inputs) input.pipeInput(key, value, timestamp);
  return driver;
}

const inputs: [string, Reading, number][] = [
  ['t1', { site: 'north', celsius: 31 }, 1000],
  ['t2', { site: 'south', celsius: 12 }, 2000],
  ['t3', { site: 'north', celsius: 45 }, 3000],
];

describe('stateless operators', () => {
  test('filter keeps the records the predicate accepts, unchanged', async () => {
    const d = await run((b) => b.stream('readings', readingSerdes).filter((_key, r) => r.celsius > 30).to('hot'), inputs);
    const records = d.createOutputTopic('hot', Serdes.string(), Serdes.json<Reading>()).readRecordsToList();
    expect(records.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['t1', { site: 'north', celsius: 31 }, 1000],
      ['t3', { site: 'north', celsius: 45 }, 3000],
    ]);
  });

  test('filterNot drops the records the predicate accepts', async () => {
    const d = await run((b) => b.stream('readings', readingSerdes).filterNot((_key, r) => r.celsius > 30).to('cold'), inputs);
    expect(d.createOutputTopic('cold', Serdes.string(), Serdes.json<Reading>()).readKeyValuesToList()).toEqual([
      ['t2', { site: 'south', celsius: 12 }],
    ]);
  });

  test('map replaces key and value and keeps the timestamp', async () => {
    const d = await run(
      (b) =>
        b
          .stream('readings', readingSerdes)
          .map((key, r) => [r.site, `${key}:${r.celsius}`])
          .to('by-site', { key: Serdes.string(), value: Serdes.string() }),
      inputs,
    );
    const records = d.createOutputTopic('by-site', Serdes.string(), Serdes.string()).readRecordsToList();
    expect(records.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['north', 't1:31', 1000],
      ['south', 't2:12', 2000],
      ['north', 't3:45', 3000],
    ]);
  });

  test('mapValues replaces the value, keeps the key, and sees the whole record', async () => {
    const d = await run(
      (b) =>
        b
          .stream('readings', readingSerdes)
          .mapValues((r, record) => `${r.celsius}C@${record.timestamp}`)
          .to('labels', { value: Serdes.string() }),
      inputs.slice(0, 2),
    );
    expect(d.createOutputTopic('labels', Serdes.string(), Serdes.string()).readKeyValuesToList()).toEqual([
      ['t1', '31C@1000'],
      ['t2', '12C@2000'],
    ]);
  });

  test('flatMap emits zero or more key-value pairs per record', async () => {
    const d = await run(
      (b) =>
        b
          .stream('readings', readingSerdes)
          .flatMap((key, r) => (r.celsius > 30 ? [[`${key}-a`, r.celsius], [`${key}-b`, r.celsius + 1]] : []))
          .to('fanned', { key: Serdes.string(), value: Serdes.int32() }),
      inputs,
    );
    expect(d.createOutputTopic('fanned', Serdes.string(), Serdes.int32()).readKeyValuesToList()).toEqual([
      ['t1-a', 31],
      ['t1-b', 32],
      ['t3-a', 45],
      ['t3-b', 46],
    ]);
  });

  test('flatMapValues emits zero or more values per record, each with the original key', async () => {
    const d = await run(
      (b) =>
        b
          .stream('readings', readingSerdes)
          .flatMapValues((r) => (r.site === 'north' ? [r.celsius, -r.celsius] : []))
          .to('values', { value: Serdes.int32() }),
      inputs,
    );
    expect(d.createOutputTopic('values', Serdes.string(), Serdes.int32()).readKeyValuesToList()).toEqual([
      ['t1', 31],
      ['t1', -31],
      ['t3', 45],
      ['t3', -45],
    ]);
  });

  test('selectKey replaces the key and keeps the value', async () => {
    const d = await run(
      (b) =>
        b
          .stream('readings', readingSerdes)
          .selectKey((_key, r) => r.site)
          .to('rekeyed', { key: Serdes.string() }),
      inputs.slice(0, 2),
    );
    expect(d.createOutputTopic('rekeyed', Serdes.string(), Serdes.json<Reading>()).readKeyValuesToList()).toEqual([
      ['north', { site: 'north', celsius: 31 }],
      ['south', { site: 'south', celsius: 12 }],
    ]);
  });

  test('peek sees every record and passes it on unchanged', async () => {
    const seen: string[] = [];
    const d = await run(
      (b) =>
        b
          .stream('readings', readingSerdes)
          .peek((key, r, record) => seen.push(`${key}=${r.celsius}@${record.timestamp}`))
          .to('copy'),
      inputs.slice(0, 2),
    );
    expect(seen).toEqual(['t1=31@1000', 't2=12@2000']);
    expect(d.createOutputTopic('copy', Serdes.string(), Serdes.json<Reading>()).readKeyValuesToList()).toEqual([
      ['t1', { site: 'north', celsius: 31 }],
      ['t2', { site: 'south', celsius: 12 }],
    ]);
  });

  test('foreach calls the action per record and ends the stream', async () => {
    const seen: [string, number][] = [];
    const builder = new StreamsBuilder();
    builder.stream('readings', readingSerdes).foreach((key, r) => seen.push([key, r.celsius]));
    expect(builder.build().describe().subtopologies[0].nodes.map((n) => n.name)).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-FOREACH-0000000001',
    ]);
    await run((b) => b.stream('readings', readingSerdes).foreach((key, r) => seen.push([key, r.celsius])), inputs);
    expect(seen).toEqual([
      ['t1', 31],
      ['t2', 12],
      ['t3', 45],
    ]);
  });

  test('headers travel with the record from source to sink', async () => {
    const d = await run((b) => b.stream('readings', readingSerdes).mapValues((r) => r.celsius).to('out', { value: Serdes.int32() }), []);
    d.createInputTopic('readings', readingSerdes.key, readingSerdes.value).pipeInput('t9', { site: 'x', celsius: 1 }, 5, {
      trace: Buffer.from('abc'),
    });
    const record = d.createOutputTopic('out', Serdes.string(), Serdes.int32()).readRecord();
    expect(record.headers.trace?.toString()).toBe('abc');
  });
});
