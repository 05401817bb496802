import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { Serdes, SerdeError } from '../../../src/serde/index.js';

interface Reading {
  sensor: string;
  count: number;
  total: number;
}

const readingSchema = {
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'total', type: 'long' },
  ],
} as const;

// Worked out by hand from the Avro spec: a string is its zigzag varint byte length then the UTF-8
// bytes ('ab' -> 04 61 62); ints and longs are zigzag varints (-3 -> 05, 300 -> 600 -> d8 04).
const readingBytes = Buffer.from('046162' + '05' + 'd804', 'hex');
const reading: Reading = { sensor: 'ab', count: -3, total: 300 };

describe('Serdes.avro (plain binary)', () => {
  const serde = Serdes.avro<Reading>(readingSchema);

  it('writes bare Avro binary', () => {
    expect(serde.serialize(reading, 't')).toEqual(readingBytes);
  });

  it('reads it back', () => {
    expect(serde.deserialize(readingBytes, 't')).toEqual(reading);
  });

  it('rejects truncated data', () => {
    expect(() => serde.deserialize(readingBytes.subarray(0, 4), 'readings')).toThrow(
      new SerdeError('Cannot deserialize Avro from topic "readings": truncated, 4 bytes end mid-value'),
    );
  });

  it('rejects bytes left over after the value', () => {
    expect(() => serde.deserialize(Buffer.concat([readingBytes, Buffer.from([0])]), 'readings')).toThrow(
      new SerdeError(
        'Cannot deserialize Avro from topic "readings": 1 bytes left after the value ' +
          '(was it written with a different schema?)',
      ),
    );
  });

  it('names the offending field of an invalid value', () => {
    const invalid = { sensor: 'ab', count: 'many', total: 1 } as unknown as Reading;
    expect(() => serde.serialize(invalid, 'readings')).toThrow(
      new SerdeError(`Cannot serialize value as Avro Reading for topic "readings": count is 'many', not a valid int`),
    );
  });

  it('accepts an avsc Type', () => {
    const longs = Serdes.avro<number>(avsc.Type.forSchema('long'));
    expect(longs.serialize(-1, 't')).toEqual(Buffer.from([0x01]));
    expect(longs.deserialize(Buffer.from([0x01]), 't')).toBe(-1);
  });
});
