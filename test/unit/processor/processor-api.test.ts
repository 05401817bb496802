import { afterEach, describe, expect, test } from 'vitest';
import type { Cancellable, Processor, ProcessorContext, StreamRecord } from '../../../src/processor/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';
import { Topology } from '../../../src/topology/index.js';

const serdes = { key: Serdes.string(), value: Serdes.int32() };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** Routes even values to the child named `evens` and odd ones to `odds`. */
class EvenOddRouter implements Processor<string, number, string, number> {
  private context!: ProcessorContext<string, number>;

  init(context: ProcessorContext<string, number>): void {
    this.context = context;
  }

  process(record: StreamRecord<string, number>): void {
    this.context.forward(record, record.value % 2 === 0 ? 'evens' : 'odds');
  }
}

/** Emits, on each punctuation, how many records it saw since the last one, keyed by the punctuation time. */
class Counter implements Processor<string, number, string, number> {
  private seen = 0;
  cancellable!: Cancellable;

  constructor(
    private readonly type: 'stream-time' | 'wall-clock',
    private readonly intervalMs: number,
  ) {}

  init(context: ProcessorContext<string, number>): void {
    this.cancellable = context.schedule(this.intervalMs, this.type, (time) => {
      context.forward({ key: `${time}`, value: this.seen, timestamp: time, headers: {} });
      this.seen = 0;
    });
  }

  process(): void {
    this.seen++;
  }
}

function counterTopology(counter: Counter): Topology {
  return new Topology()
    .addSource('src', 'in', serdes)
    .addProcessor('counter', () => counter, 'src')
    .addSink('sink', 'counts', serdes, 'counter');
}

describe('Processor API', () => {
  test('forward(record, childName) sends to that child only', async () => {
    const topology = new Topology()
      .addSource('src', 'numbers', serdes)
      .addProcessor('router', () => new EvenOddRouter(), 'src')
      .addSink('evens', 'even-numbers', serdes, 'router')
      .addSink('odds', 'odd-numbers', serdes, 'router');
    driver = await TopologyTestDriver.create(topology);
    const input = driver.createInputTopic('numbers', serdes.key, serdes.value);
    input.pipeRecords([1, 2, 3, 4].map((value) => ({ key: `n${value}`, value })));
    expect(driver.createOutputTopic('even-numbers', serdes.key, serdes.value).readValuesToList()).toEqual([2, 4]);
    expect(driver.createOutputTopic('odd-numbers', serdes.key, serdes.value).readValuesToList()).toEqual([1, 3]);
  });

  test('forwarding to a child that does not exist fails that record', async () => {
    const topology = new Topology()
      .addSource('src', 'numbers', serdes)
      .addProcessor('router', () => new EvenOddRouter(), 'src')
      .addSink('evens', 'even-numbers', serdes, 'router');
    driver = await TopologyTestDriver.create(topology);
    driver.createInputTopic('numbers', serdes.key, serdes.value).pipeInput('n1', 1);
    const [dead] = driver.dlqRecords();
    expect(dead.headers['tributary.error.message']?.toString()).toBe('router has no child named odds (children: evens)');
  });

  test('stream-time punctuation fires when records move stream time past the next interval, once per advance', async () => {
    driver = await TopologyTestDriver.create(counterTopology(new Counter('stream-time', 100)));
    const input = driver.createInputTopic('in', serdes.key, serdes.value);
    const counts = driver.createOutputTopic('counts', serdes.key, serdes.value);
    // Schedules are aligned to 0: the first record (stream time 50) is past the first due time 0.
    input.pipeInput('a', 0, 50);
    expect(counts.readKeyValuesToList()).toEqual([['50', 1]]);
    input.pipeInput('a', 0, 99);
    expect(counts.isEmpty()).toBe(true);
    input.pipeInput('a', 0, 120);
    expect(counts.readKeyValuesToList()).toEqual([['120', 2]]);
    // An out-of-order record does not move stream time back, so nothing fires.
    input.pipeInput('a', 0, 10);
    input.pipeInput('a', 0, 180);
    expect(counts.isEmpty()).toBe(true);
    // Jumping over several intervals fires once, and the next due time is the next boundary (500).
    input.pipeInput('a', 0, 450);
    input.pipeInput('a', 0, 499);
    expect(counts.readKeyValuesToList()).toEqual([['450', 3]]);
    input.pipeInput('a', 0, 500);
    expect(counts.readKeyValuesToList()).toEqual([['500', 2]]);
  });

  test('wall-clock punctuation fires as the clock advances, and stops when cancelled', async () => {
    const counter = new Counter('wall-clock', 1000);
    driver = await TopologyTestDriver.create(counterTopology(counter), { initialWallClockTimeMs: 10_000 });
    const input = driver.createInputTopic('in', serdes.key, serdes.value);
    const counts = driver.createOutputTopic('counts', serdes.key, serdes.value);
    input.pipeInput('a', 0);
    driver.advanceWallClockTime(999);
    expect(counts.isEmpty()).toBe(true);
    driver.advanceWallClockTime(1);
    expect(counts.readRecordsToList()).toEqual([{ key: '11000', value: 1, timestamp: 11_000, headers: {} }]);
    driver.advanceWallClockTime(2500);
    expect(counts.readKeyValuesToList()).toEqual([['13500', 0]]);
    counter.cancellable.cancel();
    driver.advanceWallClockTime(10_000);
    expect(counts.isEmpty()).toBe(true);
  });

  test('punctuators run with no input record and see the current times', async () => {
    const seen: unknown[] = [];
    const topology = new Topology().addSource('src', 'in', serdes).addProcessor(
      'p',
      () => ({
        init: (context: ProcessorContext) =>
          void context.schedule(5, 'wall-clock', () =>
            seen.push([context.recordMetadata(), context.currentStreamTimeMs(), context.currentSystemTimeMs(), context.taskId, context.applicationId]),
          ),
        process: () => undefined,
      }),
      'src',
    );
    driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0, applicationId: 'fleet' });
    driver.createInputTopic('in', serdes.key, serdes.value).pipeInput('a', 1, 42);
    driver.advanceWallClockTime(5);
    expect(seen).toEqual([[undefined, 42, 5, '0_0', 'fleet']]);
  });

  test('schedule rejects intervals below 1 ms', async () => {
    const topology = new Topology()
      .addSource('src', 'in', serdes)
      .addProcessor('p', () => ({ init: (c: ProcessorContext) => void c.schedule(0, 'stream-time', () => undefined), process: () => undefined }), 'src');
    await expect(TopologyTestDriver.create(topology)).rejects.toThrow('p: punctuation interval must be at least 1 ms, got 0');
  });

  test('getStateStore refuses stores not connected to the processor', async () => {
    const topology = new Topology()
      .addSource('src', 'in', serdes)
      .addProcessor('p', () => ({ init: (c: ProcessorContext) => void c.getStateStore('nope'), process: () => undefined }), 'src');
    await expect(TopologyTestDriver.create(topology)).rejects.toThrow(/^p is not connected to state store nope \(connected: none\)/);
  });
});
