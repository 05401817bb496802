import avsc from 'avsc';
import { describe, expectTypeOf, it } from 'vitest';
import { type AvroValue, Serdes, type Serde } from '../../../src/serde/index.js';

// Compile-time checks: `npx tsc -p tsconfig.json --noEmit` fails if any of these types drift.

interface Reading {
  sensor: string;
  celsius: number;
}

describe('serde types', () => {
  it('types the fixed-format serdes', () => {
    expectTypeOf(Serdes.string()).toEqualTypeOf<Serde<string>>();
    expectTypeOf(Serdes.bytes()).toEqualTypeOf<Serde<Buffer>>();
    expectTypeOf(Serdes.int32()).toEqualTypeOf<Serde<number>>();
    expectTypeOf(Serdes.int64()).toEqualTypeOf<Serde<bigint>>();
    expectTypeOf(Serdes.float64()).toEqualTypeOf<Serde<number>>();
    expectTypeOf(Serdes.void()).toEqualTypeOf<Serde<null>>();
  });

  it('types JSON by its type argument, unknown without one', () => {
    expectTypeOf(Serdes.json<{ a: number }>()).toEqualTypeOf<Serde<{ a: number }>>();
    expectTypeOf(Serdes.json()).toEqualTypeOf<Serde<unknown>>();
  });

  it('rejects values of the wrong type', () => {
    // @ts-expect-error: int64 takes bigints, not numbers
    expectTypeOf(Serdes.int64().serialize).toBeCallableWith(5, 't');
    // @ts-expect-error: celsius is missing
    expectTypeOf(Serdes.json<Reading>().serialize).toBeCallableWith({ sensor: 'a' }, 't');
  });

  it('types Avro by an explicit type argument, whatever the schema', () => {
    const schema = avsc.Type.forSchema({ type: 'record', name: 'Reading', fields: [] });
    expectTypeOf(Serdes.avro<Reading>(schema)).toEqualTypeOf<Serde<Reading>>();
    expectTypeOf(Serdes.avro<string>('string')).toEqualTypeOf<Serde<string>>();
    expectTypeOf(Serdes.avro<string[]>({ type: 'array', items: 'string' })).toEqualTypeOf<Serde<string[]>>();
  });

  it('infers Avro value types from a schema literal', () => {
    const serde = Serdes.avro({
      type: 'record',
      name: 'Reading',
      fields: [
        { name: 'sensor', type: 'string' },
        { name: 'celsius', type: 'double' },
        { name: 'count', type: 'long' },
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'unit', type: { type: 'enum', name: 'Unit', symbols: ['C', 'F'] } },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'samples', type: { type: 'array', items: 'float' } },
        { name: 'labels', type: { type: 'map', values: 'string' } },
        { name: 'raw', type: 'bytes' },
        { name: 'location', type: { type: 'record', name: 'Location', fields: [{ name: 'room', type: 'string' }] } },
      ],
    });
    expectTypeOf(serde).toEqualTypeOf<
      Serde<{
        sensor: string;
        celsius: number;
        count: number;
        note: string | null;
        unit: 'C' | 'F';
        at: number;
        samples: number[];
        labels: Record<string, string>;
        raw: Buffer;
        location: { room: string };
      }>
    >();
    expectTypeOf(Serdes.avro('boolean')).toEqualTypeOf<Serde<boolean>>();
  });

  it('names the value type of a schema held in a const variable', () => {
    const schema = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] } as const;
    expectTypeOf<AvroValue<typeof schema>>().toEqualTypeOf<{ a: number }>();
    expectTypeOf(Serdes.avro(schema)).toEqualTypeOf<Serde<{ a: number }>>();
  });

  it('falls back to unknown where the schema alone cannot say', () => {
    // avsc wraps unions whose branches share a JS representation: { int: 1 } or { long: 1 }.
    expectTypeOf(Serdes.avro(['int', 'long'])).toEqualTypeOf<Serde<unknown>>();
    // A reference to a named type by its name.
    const withReference = Serdes.avro({
      type: 'record',
      name: 'Pair',
      fields: [
        { name: 'first', type: { type: 'fixed', name: 'Id', size: 2 } },
        { name: 'second', type: 'Id' },
      ],
    });
    expectTypeOf(withReference).toEqualTypeOf<Serde<{ first: Buffer; second: unknown }>>();
    expectTypeOf(Serdes.avro(avsc.Type.forSchema('string'))).toEqualTypeOf<Serde<unknown>>();
    // Without `as const`, a schema held in a variable has lost its literal types.
    const widened = { type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] };
    expectTypeOf(Serdes.avro(widened)).toEqualTypeOf<Serde<unknown>>();
  });
});
