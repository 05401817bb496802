/**
 * Kafka's default partitioner for keyed records: murmur2 of the serialized key, made positive,
 * modulo the partition count. Java clients, kafkajs' default partitioner and both Tributary
 * adapters agree on it, so a key lands on the same partition number everywhere (co-partitioning
 * and repartitioning depend on that).
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Java-compatible murmur2 (signed 32-bit result), as in Kafka's `Utils.murmur2`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2] << 16;
  if (tail >= 2) h ^= data[whole + 1] << 8;
  if (tail >= 1) {
    h ^= data[whole];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionForKey(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
