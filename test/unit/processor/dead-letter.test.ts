import { afterEach, describe, expect, test } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/index.js';
import { StreamsError, type FailureContext, type ProcessorContext } from '../../../src/processor/index.js';
import { Serdes, SerdeError } from '../../../src/serde/index.js';
import { TopologyTestDriver, type TopologyTestDriverOptions } from '../../../src/testing/index.js';
import { Topology } from '../../../src/topology/index.js';

interface Reading {
  celsius: number;
}

let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

/** readings (JSON) → mapValues that throws on `celsius: -1` → fahrenheit. */
async function fahrenheitDriver(options: TopologyTestDriverOptions = {}): Promise<TopologyTestDriver> {
  const builder = new StreamsBuilder();
  builder
    .stream('readings', { key: Serdes.string(), value: Serdes.json<Reading>() })
    .mapValues((r) => {
      if (r.celsius === -1) throw new RangeError('sensor fault');
      return (r.celsius * 9) / 5 + 32;
    })
    .to('fahrenheit', { value: Serdes.float64() });
  driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'fleet', ...options });
  return driver;
}

/** Pipes raw bytes (possibly not JSON) into `readings`. */
function pipeRaw(d: TopologyTestDriver, key: string, value: string, timestamp: number, headers = {}): void {
  d.createInputTopic('readings', Serdes.string(), Serdes.string()).pipeInput(key, value, timestamp, headers);
}

const text = (header: Buffer | undefined) => header?.toString();

describe('bad records with the default handlers (continue)', () => {
  test('unreadable JSON goes raw to <appId>-dlq with error headers, and processing goes on', async () => {
    const d = await fahrenheitDriver();
    pipeRaw(d, 't1', '{"celsius": 20', 1000, { origin: Buffer.from('gateway-7') });
    pipeRaw(d, 't2', '{"celsius": 100}', 2000);

    const [dead, ...more] = d.dlqRecords();
    expect(more).toEqual([]);
    expect(dead.key?.toString()).toBe('t1');
    expect(dead.value?.toString()).toBe('{"celsius": 20');
    expect(dead.timestamp).toBe(1000);
    expect(text(dead.headers['tributary.error.stage'])).toBe('deserialization');
    expect(text(dead.headers['tributary.error.class'])).toBe('SerdeError');
    expect(text(dead.headers['tributary.error.message'])).toMatch(/^Cannot deserialize JSON from topic "readings"/);
    expect(text(dead.headers['tributary.source.topic'])).toBe('readings');
    expect(text(dead.headers['tributary.source.partition'])).toBe('0');
    expect(text(dead.headers['tributary.source.offset'])).toBe('0');
    expect(text(dead.headers.origin)).toBe('gateway-7');

    expect(d.createOutputTopic('fahrenheit', Serdes.string(), Serdes.float64()).readKeyValuesToList()).toEqual([['t2', 212]]);
  });

  test('a throwing mapper sends the raw input record to the DLQ and skips it', async () => {
    const d = await fahrenheitDriver();
    pipeRaw(d, 't1', '{"celsius": 0}', 1);
    pipeRaw(d, 't2', '{"celsius": -1}', 2);
    pipeRaw(d, 't3', '{"celsius": 10}', 3);

    const dead = d.dlqRecords();
    expect(dead.map((r) => [r.key?.toString(), r.value?.toString()])).toEqual([['t2', '{"celsius": -1}']]);
    expect(text(dead[0].headers['tributary.error.stage'])).toBe('processing');
    expect(text(dead[0].headers['tributary.error.class'])).toBe('RangeError');
    expect(text(dead[0].headers['tributary.error.message'])).toBe('sensor fault');
    expect(text(dead[0].headers['tributary.source.offset'])).toBe('1');
    expect(d.createOutputTopic('fahrenheit', Serdes.string(), Serdes.float64()).readKeyValuesToList()).toEqual([
      ['t1', 32],
      ['t3', 50],
    ]);
  });

  test('a failure in a downstream sub-topology dead-letters the repartition record it was processing', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', { key: Serdes.string(), value: Serdes.int32() })
      .repartition({ name: 'spread' })
      .foreach(() => {
        throw new Error('boom');
      });
    driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'fleet' });
    driver.createInputTopic('in', Serdes.string(), Serdes.int32()).pipeInput('k', 7);
    const [dead] = driver.dlqRecords();
    expect(text(dead.headers['tributary.source.topic'])).toBe('fleet-spread-repartition');
    expect(dead.value).toEqual(Serdes.int32().serialize(7, 'x'));
  });

  test('an invalid event time makes the record a bad record', async () => {
    const builder = new StreamsBuilder();
    builder.stream('in', { key: Serdes.string(), value: Serdes.int32(), timestampExtractor: (_key, value) => value }).to('out');
    driver = await TopologyTestDriver.create(builder.build());
    const input = driver.createInputTopic('in', Serdes.string(), Serdes.int32());
    input.pipeInput('k', -5);
    input.pipeInput('k', 5);
    const [dead] = driver.dlqRecords();
    expect(text(dead.headers['tributary.error.class'])).toBe('InvalidTimestampError');
    expect(text(dead.headers['tributary.error.message'])).toBe('Invalid timestamp -5 for record in-0@0');
    expect(driver.createOutputTopic('out', Serdes.string(), Serdes.int32()).readRecord().timestamp).toBe(5);
  });
});

describe("the 'fail' handler", () => {
  test('stops on unreadable input with a StreamsError caused by the SerdeError', async () => {
    const d = await fahrenheitDriver({ deserializationExceptionHandler: 'fail' });
    const error = (() => {
      try {
        pipeRaw(d, 't1', 'not json', 1);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(StreamsError);
    expect((error as StreamsError).message).toMatch(/^Task 0_0: deserialization of record readings-0@0 failed: Cannot deserialize JSON/);
    expect((error as StreamsError).cause).toBeInstanceOf(SerdeError);
    expect(d.dlqRecords()).toEqual([]);
  });

  test('stops on a processing exception', async () => {
    const d = await fahrenheitDriver({ processingExceptionHandler: 'fail' });
    expect(() => pipeRaw(d, 't1', '{"celsius": -1}', 1)).toThrow(
      new StreamsError('Task 0_0: processing of record readings-0@0 failed: sensor fault'),
    );
    expect(d.dlqRecords()).toEqual([]);
  });

  test('stops when a punctuator throws', async () => {
    const topology = new Topology()
      .addSource('src', 'in', { key: Serdes.string(), value: Serdes.string() })
      .addProcessor(
        'p',
        () => ({
          init: (c: ProcessorContext) =>
            void c.schedule(10, 'wall-clock', () => {
              throw new Error('punctuation broke');
            }),
          process: () => undefined,
        }),
        'src',
      );
    driver = await TopologyTestDriver.create(topology, { processingExceptionHandler: 'fail', initialWallClockTimeMs: 0 });
    expect(() => driver!.advanceWallClockTime(10)).toThrow(new StreamsError('Task 0_0: processing of a punctuator failed: punctuation broke'));
  });
});

describe('a handler function', () => {
  test('decides per failure and sees stage, error, task and record', async () => {
    const failures: FailureContext[] = [];
    const d = await fahrenheitDriver({
      processingExceptionHandler: (failure) => {
        failures.push(failure);
        return failure.error instanceof RangeError ? 'continue' : 'fail';
      },
    });
    pipeRaw(d, 't1', '{"celsius": -1}', 1);
    expect(failures).toEqual([
      { stage: 'processing', error: new RangeError('sensor fault'), taskId: '0_0', record: expect.objectContaining({ topic: 'readings', offset: 0 }) },
    ]);
    expect(d.dlqRecords()).toHaveLength(1);
    // JSON `null` makes the mapper throw a TypeError, which this handler does not accept.
    expect(() => pipeRaw(d, 't2', 'null', 2)).toThrow(StreamsError);
    expect(failures.map((f) => f.error.name)).toEqual(['RangeError', 'TypeError']);
  });

  test('an answer other than continue/fail stops the app', async () => {
    const d = await fahrenheitDriver({ deserializationExceptionHandler: () => 'ignore' as 'continue' });
    expect(() => pipeRaw(d, 't1', 'nope', 1)).toThrow(
      new StreamsError(`The deserialization exception handler returned "ignore"; expected 'continue' or 'fail'`),
    );
  });
});
