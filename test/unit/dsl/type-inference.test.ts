/**
 * Type-level tests: these assertions are checked by `tsc --noEmit` (part of `npm test`); the
 * runtime assertions keep each case honest about the values too.
 */
import { describe, expect, expectTypeOf, test } from 'vitest';
import { KStream, StreamsBuilder } from '../../../src/dsl/index.js';
import type { Processor, ProcessorContext, StreamRecord } from '../../../src/processor/index.js';
import { Serdes } from '../../../src/serde/index.js';

interface Reading {
  deviceId: string;
  celsius: number;
}

const readings = () => new StreamsBuilder().stream('t', { key: Serdes.string(), value: Serdes.json<Reading>() });

describe('type inference through a chain', () => {
  test('stream → filter → mapValues is KStream<string, number> with no annotations', () => {
    const celsius = new StreamsBuilder()
      .stream('t', { key: Serdes.string(), value: Serdes.json<Reading>() })
      .filter((k, v) => v.celsius > 30)
      .mapValues((v) => v.celsius);
    expectTypeOf(celsius).toEqualTypeOf<KStream<string, number>>();
    expect(celsius).toBeInstanceOf(KStream);
  });

  test('map infers the new key and value types from the returned pair', () => {
    const swapped = readings().map((key, r) => [r.celsius, key]);
    expectTypeOf(swapped).toEqualTypeOf<KStream<number, string>>();
    expect(swapped.repartitionRequired).toBe(true);
  });

  test('flatMap, flatMapValues and selectKey infer their output types', () => {
    expectTypeOf(readings().flatMap((key, r) => [[r.deviceId, r.celsius]])).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(readings().flatMapValues((r) => [r.celsius > 30])).toEqualTypeOf<KStream<string, boolean>>();
    expectTypeOf(readings().selectKey((_key, r) => r.celsius)).toEqualTypeOf<KStream<number, Reading>>();
    expect(readings().selectKey((_key, r) => r.celsius).repartitionRequired).toBe(true);
  });

  test('mappers get typed keys, values and records', () => {
    readings().peek((key, value, record) => {
      expectTypeOf(key).toEqualTypeOf<string>();
      expectTypeOf(value).toEqualTypeOf<Reading>();
      expectTypeOf(record).toEqualTypeOf<StreamRecord<string, Reading>>();
    });
    // @ts-expect-error Reading has no `fahrenheit`
    const wrong = () => readings().filter((_key, r) => r.fahrenheit > 80);
    expect(wrong).toBeTypeOf('function');
  });

  test('split branches are keyed by their names, prefix included', () => {
    const branches = readings()
      .split({ name: 'temp-' })
      .branch((_key, r) => r.celsius > 30, { name: 'hot' })
      .defaultBranch({ name: 'other' });
    expectTypeOf(branches).toEqualTypeOf<Record<'temp-hot' | 'temp-other', KStream<string, Reading>>>();
    expect(Object.keys(branches)).toEqual(['temp-hot', 'temp-other']);
  });

  test('process infers the output types from the processor', () => {
    class Labeler implements Processor<string, Reading, string, string> {
      private context!: ProcessorContext<string, string>;
      init(context: ProcessorContext<string, string>): void {
        this.context = context;
      }
      process(record: StreamRecord<string, Reading>): void {
        this.context.forward({ ...record, value: `${record.value.celsius}` });
      }
    }
    const labels = readings().process(() => new Labeler());
    expectTypeOf(labels).toEqualTypeOf<KStream<string, string>>();
    // @ts-expect-error the processor expects Reading values, not numbers
    const mismatched = () => readings().mapValues((r) => r.celsius).process(() => new Labeler());
    expect(mismatched).toBeTypeOf('function');
  });

  test('to() options are typed by the stream', () => {
    const celsius = readings().mapValues((r) => r.celsius);
    // @ts-expect-error a string serde cannot write number values
    const wrongSerde = () => celsius.to('out', { value: Serdes.string() });
    expect(wrongSerde).toBeTypeOf('function');
    celsius.to('out', { value: Serdes.float64(), partitioner: (key, value, count) => (key.length + value) % count });
  });
});
