import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../src/broker/partitioner.js';

// kafkajs' own default-partitioner hash, which matches the Java client's Utils.murmur2.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer,
) => number;

describe('murmur2 partitioner', () => {
  it('matches the Java client on known keys', () => {
    // Reference values from Kafka's Java Utils.murmur2.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
  });

  it('agrees with kafkajs on every length remainder and on non-ASCII bytes', () => {
    for (let len = 0; len < 64; len++) {
      const key = Buffer.alloc(len);
      for (let i = 0; i < len; i++) key[i] = (i * 37 + len * 11) & 0xff;
      expect(murmur2(key)).toBe(kafkajsMurmur2(key));
    }
  });

  it('maps keys to a partition in range, the same every time', () => {
    const key = Buffer.from('sensor-42');
    const p = partitionForKey(key, 8);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(8);
    expect(partitionForKey(key, 8)).toBe(p);
    expect(partitionForKey(key, 8)).toBe((kafkajsMurmur2(key) & 0x7fffffff) % 8);
  });
});
