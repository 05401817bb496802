import { describe, expect, it } from 'vitest';
import { Serdes, SerdeError } from '../../../src/serde/index.js';

describe('Serdes.string', () => {
  const serde = Serdes.string();

  it('encodes UTF-8 and reads it back', () => {
    const bytes = serde.serialize('héllo €', 't');
    expect(bytes).toEqual(Buffer.from([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x20, 0xe2, 0x82, 0xac]));
    expect(serde.deserialize(bytes, 't')).toBe('héllo €');
  });

  it('keeps the empty string distinct from null', () => {
    expect(serde.serialize('', 't')).toEqual(Buffer.alloc(0));
    expect(serde.deserialize(Buffer.alloc(0), 't')).toBe('');
  });

  it('decodes invalid UTF-8 with replacement characters, as Java does', () => {
    expect(serde.deserialize(Buffer.from([0x61, 0xff, 0x62]), 't')).toBe('a\ufffdb');
  });

  it('serializes the text it just read back to the very bytes it came from', () => {
    const bytes = Buffer.from('sensor-00042');
    const text = serde.deserialize(bytes, 't');
    expect(serde.serialize(text, 'out')).toBe(bytes);
    expect(serde.serialize('sensor-00043', 'out')).toEqual(Buffer.from('sensor-00043'));
  });

  it('re-encodes text read from invalid UTF-8 rather than returning the input bytes', () => {
    // A truncated 4-byte sequence decodes to one U+FFFD: as many bytes, different ones.
    const invalid = Buffer.from([0xf0, 0x9f, 0x98]);
    const text = serde.deserialize(invalid, 't');
    expect(serde.serialize(text, 'out')).toEqual(Buffer.from([0xef, 0xbf, 0xbd]));
  });

  it('rejects undefined even before anything was read', () => {
    expect(() => serde.serialize(undefined as unknown as string, 'counts')).toThrow(SerdeError);
  });

  it('rejects non-strings from untyped callers', () => {
    expect(() => serde.serialize(42 as unknown as string, 'counts')).toThrow(
      new SerdeError('Cannot serialize a value of type number as a string for topic "counts"'),
    );
  });
});

describe('Serdes.bytes', () => {
  it('passes buffers through without copying', () => {
    const serde = Serdes.bytes();
    const data = Buffer.from([1, 2, 3]);
    expect(serde.serialize(data, 't')).toBe(data);
    expect(serde.deserialize(data, 't')).toBe(data);
  });
});

describe('Serdes.void', () => {
  const serde = Serdes.void();

  it('maps null to null', () => {
    expect(serde.serialize(null, 't')).toBeNull();
    expect(serde.deserialize(null, 't')).toBeNull();
  });

  it('rejects a record that carries bytes, naming the topic', () => {
    expect(() => serde.deserialize(Buffer.from('k'), 'keyed')).toThrow(
      new SerdeError('The void serde for topic "keyed" expects no data, got 1 bytes'),
    );
  });

  it('rejects a non-null value', () => {
    expect(() => serde.serialize('k' as unknown as null, 'out')).toThrow(
      new SerdeError('The void serde for topic "out" only accepts null, got a value of type string'),
    );
  });
});

describe('null passes through every serde (tombstones, null keys)', () => {
  const serdes = {
    string: Serdes.string(),
    json: Serdes.json(),
    bytes: Serdes.bytes(),
    int32: Serdes.int32(),
    int64: Serdes.int64(),
    float64: Serdes.float64(),
    void: Serdes.void(),
    avro: Serdes.avro('string'),
  };

  it.each(Object.entries(serdes))('%s', (_name, serde) => {
    expect(serde.serialize(null as never, 't')).toBeNull();
    expect(serde.deserialize(null, 't')).toBeNull();
  });
});
