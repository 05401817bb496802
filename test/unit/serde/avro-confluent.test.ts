import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { InMemorySchemaRegistry, type SchemaRegistry, Serdes, SerdeError } from '../../../src/serde/index.js';

const readingV1 = {
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'count', type: 'int' },
  ],
} as const;

/** v1 plus a field with a default: a backward-compatible change. */
const readingV2 = {
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'unit', type: 'string', default: 'celsius' },
  ],
} as const;

// Avro binary of { sensor: 'ab', count: -3 }: length 2 zigzagged (04), 'a' 'b', -3 zigzagged (05).
const v1Payload = Buffer.from('04616205', 'hex');

/** A registry whose first schema is some other one, so the schema under test gets id 2. */
function registryWithOneSchema(): InMemorySchemaRegistry {
  const registry = new InMemorySchemaRegistry();
  registry.register('unrelated-value', 'string');
  return registry;
}

describe('Serdes.avro in the Confluent wire format', () => {
  it('frames values as magic byte 0, big-endian schema id, Avro binary', () => {
    const registry = registryWithOneSchema();
    const serde = Serdes.avro(readingV1, { confluent: { registry } });

    const bytes = serde.serialize({ sensor: 'ab', count: -3 }, 'temperature');

    expect(bytes).toEqual(Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), v1Payload]));
    expect(registry.schemaIds('temperature-value')).toEqual([2]);
    expect(serde.deserialize(bytes, 'temperature')).toEqual({ sensor: 'ab', count: -3 });
  });

  it('registers under the subject given as a function of the topic, or as a fixed name', () => {
    const registry = new InMemorySchemaRegistry();
    const keys = Serdes.avro('string', { confluent: { registry, subject: (topic) => `${topic}-key` } });
    const shared = Serdes.avro('long', { confluent: { registry, subject: 'shared-longs' } });

    keys.serialize('k', 'orders');
    shared.serialize(1, 'a');
    shared.serialize(2, 'b');

    expect(registry.schemaIds('orders-key')).toEqual([1]);
    expect(registry.schemaIds('shared-longs')).toEqual([2]);
  });

  it('reads records written with an older schema, filling in defaults', () => {
    const registry = new InMemorySchemaRegistry();
    const writer = Serdes.avro(readingV1, { confluent: { registry } });
    const reader = Serdes.avro(readingV2, { confluent: { registry } });

    const old = writer.serialize({ sensor: 'ab', count: -3 }, 'temperature');

    expect(reader.deserialize(old, 'temperature')).toEqual({ sensor: 'ab', count: -3, unit: 'celsius' });
  });

  it('reads records written with a newer schema, dropping unknown fields', () => {
    const registry = new InMemorySchemaRegistry();
    const writer = Serdes.avro(readingV2, { confluent: { registry } });
    const reader = Serdes.avro(readingV1, { confluent: { registry } });

    const newer = writer.serialize({ sensor: 'ab', count: -3, unit: 'kelvin' }, 'temperature');

    expect(newer?.readInt32BE(1)).toBe(1);
    expect(reader.deserialize(newer, 'temperature')).toEqual({ sensor: 'ab', count: -3 });
  });

  it('gives each schema version its own id under the subject', () => {
    const registry = new InMemorySchemaRegistry();
    Serdes.avro(readingV1, { confluent: { registry } }).serialize({ sensor: 'a', count: 1 }, 'temperature');
    Serdes.avro(readingV2, { confluent: { registry } }).serialize({ sensor: 'a', count: 1, unit: 'c' }, 'temperature');

    expect(registry.schemaIds('temperature-value')).toEqual([1, 2]);
  });

  it('reports a writer schema the reader cannot resolve', () => {
    const registry = new InMemorySchemaRegistry();
    const written = Serdes.avro('string', { confluent: { registry } }).serialize('x', 'temperature');
    const reader = Serdes.avro(readingV1, { confluent: { registry } });

    expect(() => reader.deserialize(written, 'temperature')).toThrow(
      /^Cannot deserialize Avro from topic "temperature": writer schema id 1 cannot be read as the reader schema/,
    );
  });

  it('round-trips values larger than its initial encoding buffer, and small ones after them', () => {
    const serde = Serdes.avro('string', { confluent: { registry: new InMemorySchemaRegistry() } });
    const large = 'x'.repeat(5000);

    const bytes = serde.serialize(large, 't');

    expect(bytes).toEqual(Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), avsc.Type.forSchema('string').toBuffer(large)]));
    expect(serde.deserialize(bytes, 't')).toBe(large);
    expect(serde.serialize('y', 't')).toEqual(Buffer.from('00000000010279', 'hex'));
  });

  it('asks the registry once per topic and once per writer id', () => {
    const inner = new InMemorySchemaRegistry();
    const calls = { idFor: 0, schemaFor: 0 };
    const counting: SchemaRegistry = {
      idFor: (subject, schema) => (calls.idFor++, inner.idFor(subject, schema)),
      schemaFor: (id) => (calls.schemaFor++, inner.schemaFor(id)),
    };
    const serde = Serdes.avro('int', { confluent: { registry: counting } });

    for (let i = 0; i < 3; i++) serde.deserialize(serde.serialize(i, 'a'), 'a');
    serde.serialize(1, 'b');

    expect(calls).toEqual({ idFor: 2, schemaFor: 1 });
  });

  describe('rejects', () => {
    const registry = new InMemorySchemaRegistry();
    const serde = Serdes.avro(readingV1, { confluent: { registry } });
    const valid = serde.serialize({ sensor: 'ab', count: -3 }, 'temperature') as Buffer;

    it('a wrong magic byte', () => {
      const bytes = Buffer.from(valid);
      bytes[0] = 1;
      expect(() => serde.deserialize(bytes, 'temperature')).toThrow(
        new SerdeError(
          'Cannot deserialize Avro from topic "temperature": magic byte is 1, expected 0 (not in the Confluent wire format)',
        ),
      );
    });

    it('an unknown schema id', () => {
      const bytes = Buffer.from(valid);
      bytes.writeInt32BE(99, 1);
      expect(() => serde.deserialize(bytes, 'temperature')).toThrow(
        new SerdeError('Cannot deserialize Avro from topic "temperature": unknown schema id 99'),
      );
    });

    it('data shorter than the header', () => {
      expect(() => serde.deserialize(valid.subarray(0, 3), 'temperature')).toThrow(
        new SerdeError(
          'Cannot deserialize Avro from topic "temperature": 3 bytes is shorter than the 5-byte Confluent header',
        ),
      );
    });

    it('a truncated payload', () => {
      expect(() => serde.deserialize(valid.subarray(0, valid.length - 1), 'temperature')).toThrow(
        new SerdeError('Cannot deserialize Avro from topic "temperature": truncated, 3 bytes end mid-value'),
      );
    });

    it('serializing when the registry cannot give an id, keeping its error as the cause', () => {
      const notWarmed = new Error('subject not prefetched');
      const cold: SchemaRegistry = {
        idFor: () => {
          throw notWarmed;
        },
        schemaFor: () => undefined,
      };
      const coldSerde = Serdes.avro('string', { confluent: { registry: cold } });

      let thrown: unknown;
      try {
        coldSerde.serialize('x', 'orders');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toEqual(
        new SerdeError(
          'No schema id for subject "orders-value" (topic "orders") in the schema registry: subject not prefetched',
        ),
      );
      expect((thrown as SerdeError).cause).toBe(notWarmed);
    });

    it('a registry that answers with a promise', () => {
      const asyncRegistry = {
        idFor: async () => 1,
        schemaFor: () => undefined,
      } as unknown as SchemaRegistry;
      const asyncSerde = Serdes.avro('string', { confluent: { registry: asyncRegistry } });

      expect(() => asyncSerde.serialize('x', 'orders')).toThrow(
        new SerdeError(
          'The schema registry returned [object Promise] as the id for subject "orders-value"; ' +
            'expected a non-negative 32-bit integer',
        ),
      );
    });
  });
});

describe('InMemorySchemaRegistry', () => {
  it('gives one global id to a schema however it is written, and new ids to new schemas', () => {
    const registry = new InMemorySchemaRegistry();

    const first = registry.register('a-value', readingV1);
    const reformatted = registry.register('b-value', {
      name: 'Reading',
      fields: [
        { type: 'string', name: 'sensor', doc: 'docs do not change the canonical form' },
        { type: 'int', name: 'count' },
      ],
      type: 'record',
    });
    const other = registry.register('a-value', readingV2);

    expect([first, reformatted, other]).toEqual([1, 1, 2]);
    expect(registry.schemaIds('a-value')).toEqual([1, 2]);
    expect(registry.schemaIds('b-value')).toEqual([1]);
    expect(registry.schemaFor(2)?.schema()).toMatchObject({
      name: 'Reading',
      fields: [{ name: 'sensor' }, { name: 'count' }, { name: 'unit' }],
    });
    expect(registry.schemaFor(3)).toBeUndefined();
  });
});
