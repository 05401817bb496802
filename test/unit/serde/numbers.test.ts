import { describe, expect, it } from 'vitest';
import { Serdes, SerdeError } from '../../../src/serde/index.js';

// Expected bytes are worked out by hand from Java's big-endian two's complement / IEEE 754 layouts.

describe('Serdes.int32', () => {
  const serde = Serdes.int32();

  it.each([
    [0, '00000000'],
    [258, '00000102'],
    [-1, 'ffffffff'],
    [2147483647, '7fffffff'],
    [-2147483648, '80000000'],
  ])('%d <-> %s', (value, hex) => {
    expect(serde.serialize(value, 't')?.toString('hex')).toBe(hex);
    expect(serde.deserialize(Buffer.from(hex, 'hex'), 't')).toBe(value);
  });

  it.each([1.5, 2147483648, Number.NaN])('refuses %d', (value) => {
    expect(() => serde.serialize(value, 'counts')).toThrow(
      new SerdeError(`Cannot serialize ${value} as int32 for topic "counts": not a 32-bit integer`),
    );
  });

  it('rejects input that is not 4 bytes', () => {
    expect(() => serde.deserialize(Buffer.from('000001', 'hex'), 'counts')).toThrow(
      new SerdeError('Cannot deserialize int32 from topic "counts": expected 4 bytes, got 3'),
    );
  });
});

describe('Serdes.int64', () => {
  const serde = Serdes.int64();

  it.each([
    [0n, '0000000000000000'],
    [1n << 40n, '0000010000000000'],
    [-2n, 'fffffffffffffffe'],
    [9007199254740993n, '0020000000000001'], // 2^53 + 1: not representable as a JS number
    [(1n << 63n) - 1n, '7fffffffffffffff'],
    [-(1n << 63n), '8000000000000000'],
  ])('%s <-> %s (Kafka LongSerializer layout)', (value, hex) => {
    expect(serde.serialize(value, 't')?.toString('hex')).toBe(hex);
    expect(serde.deserialize(Buffer.from(hex, 'hex'), 't')).toBe(value);
  });

  it('refuses values outside the signed 64-bit range', () => {
    expect(() => serde.serialize(1n << 63n, 'ids')).toThrow(
      new SerdeError('Cannot serialize 9223372036854775808 as int64 for topic "ids": out of the signed 64-bit range'),
    );
  });

  it('refuses plain numbers from untyped callers', () => {
    expect(() => serde.serialize(5 as unknown as bigint, 'ids')).toThrow(
      new SerdeError('Cannot serialize a value of type number as int64 for topic "ids": expected a bigint'),
    );
  });

  it('rejects input that is not 8 bytes', () => {
    expect(() => serde.deserialize(Buffer.alloc(4), 'ids')).toThrow(
      new SerdeError('Cannot deserialize int64 from topic "ids": expected 8 bytes, got 4'),
    );
  });
});

describe('Serdes.float64', () => {
  const serde = Serdes.float64();

  it.each([
    [1, '3ff0000000000000'],
    [-2.5, 'c004000000000000'],
    [Number.POSITIVE_INFINITY, '7ff0000000000000'],
  ])('%d <-> %s (Kafka DoubleSerializer layout)', (value, hex) => {
    expect(serde.serialize(value, 't')?.toString('hex')).toBe(hex);
    expect(serde.deserialize(Buffer.from(hex, 'hex'), 't')).toBe(value);
  });

  it('round-trips NaN and negative zero', () => {
    expect(serde.deserialize(serde.serialize(Number.NaN, 't'), 't')).toBeNaN();
    expect(Object.is(serde.deserialize(serde.serialize(-0, 't'), 't'), -0)).toBe(true);
  });

  it('refuses non-numbers from untyped callers', () => {
    expect(() => serde.serialize('1.5' as unknown as number, 'temps')).toThrow(
      new SerdeError('Cannot serialize a value of type string as float64 for topic "temps": expected a number'),
    );
  });

  it('rejects input that is not 8 bytes', () => {
    expect(() => serde.deserialize(Buffer.alloc(9), 'temps')).toThrow(
      new SerdeError('Cannot deserialize float64 from topic "temps": expected 8 bytes, got 9'),
    );
  });
});
