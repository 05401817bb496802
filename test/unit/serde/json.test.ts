import { describe, expect, it } from 'vitest';
import { Serdes, SerdeError } from '../../../src/serde/index.js';

interface Reading {
  sensor: string;
  celsius: number;
  tags: string[];
}

describe('Serdes.json', () => {
  const serde = Serdes.json<Reading>();

  it('round-trips a value as UTF-8 JSON text', () => {
    const reading: Reading = { sensor: 'kitchen', celsius: 21.5, tags: ['indoor'] };
    const bytes = serde.serialize(reading, 'temperature');
    expect(bytes?.toString('utf8')).toBe('{"sensor":"kitchen","celsius":21.5,"tags":["indoor"]}');
    expect(serde.deserialize(bytes, 'temperature')).toEqual(reading);
  });

  it('names the topic and quotes the start of unparseable input', () => {
    let error: unknown;
    try {
      serde.deserialize(Buffer.from('{"sensor": kitchen}'), 'temperature');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SerdeError);
    expect((error as SerdeError).message).toMatch(/^Cannot deserialize JSON from topic "temperature": /);
    expect((error as SerdeError).message).toContain('(input: "{\\"sensor\\": kitchen}")');
    expect((error as SerdeError).cause).toBeInstanceOf(SyntaxError);
  });

  it('shortens long bad input to an excerpt with its length', () => {
    const bad = `not json ${'x'.repeat(500)}`;
    expect(() => serde.deserialize(Buffer.from(bad), 'logs')).toThrow(
      /\(input: "not json x{31}"\.\.\. \(509 chars\)\)$/,
    );
  });

  it('reports values JSON cannot represent as SerdeErrors', () => {
    const anyJson = Serdes.json<unknown>();
    expect(() => anyJson.serialize(undefined, 'out')).toThrow(
      new SerdeError('Cannot serialize a value of type undefined as JSON for topic "out"'),
    );
    expect(() => anyJson.serialize({ big: 1n }, 'out')).toThrow(SerdeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => anyJson.serialize(cyclic, 'out')).toThrow(/^Cannot serialize value as JSON for topic "out": /);
  });

  it('reads the JSON literal null as null', () => {
    expect(Serdes.json<number | null>().deserialize(Buffer.from('null'), 't')).toBeNull();
  });
});
