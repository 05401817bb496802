/**
 * The sensor-readings workload shared by the benchmarks: ~200-byte JSON readings keyed by sensor
 * id, generated deterministically (seeded PRNG) so every run, and every row of one run, processes
 * the same bytes. Records are generated once, as ready-to-send Buffers, and reused by every row.
 *
 * The predicate and mapper of the P1 topology live here too, so that the harness computes the
 * expected output count with the very function the topology runs.
 */
import { partitionForKey } from '../../src/broker/partitioner.js';

export interface SensorReading {
  sensorId: string;
  celsius: number;
  ts: number;
  site: string;
  firmware: string;
  battery: number;
  humidity: number;
  status: 'ok' | 'degraded';
  /** Padding that brings the serialized reading to ~TARGET_VALUE_BYTES. */
  note: string;
}

export interface ReadingSummary {
  sensor: string;
  site: string;
  fahrenheit: number;
  ts: number;
}

/** P1's filter: keeps readings at or above 25 °C (celsius is uniform in [10, 40): ~50 % pass). */
export function isWarm(reading: SensorReading): boolean {
  return reading.celsius >= 25;
}

/** P1's mapValues: a small new object. */
export function summarize(reading: SensorReading): ReadingSummary {
  return {
    sensor: reading.sensorId,
    site: reading.site,
    fahrenheit: Math.round((reading.celsius * 9) / 5 * 100 + 3200) / 100,
    ts: reading.ts,
  };
}

export const TARGET_VALUE_BYTES = 200;

export interface Workload {
  readonly size: number;
  readonly partitions: number;
  readonly sensors: number;
  /** Serialized keys (UTF-8 sensor id); records of one sensor share one Buffer. */
  readonly keys: Buffer[];
  /** Serialized values (UTF-8 JSON). */
  readonly values: Buffer[];
  /** murmur2 partition of each record's key, as every Kafka client would pick it. */
  readonly partitionOf: Uint8Array;
  readonly timestamps: Float64Array;
  /** Average serialized value size in bytes. */
  readonly avgValueBytes: number;
  /** How many of the first `n` records `isWarm` keeps (the expected output count of P1). */
  expectedKept(n: number): number;
}

/** xorshift32: small, fast and deterministic; quality is irrelevant here. */
export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

const SITES = Array.from({ length: 24 }, (_, i) => `plant-${String(i).padStart(2, '0')}`);
const FIRMWARE = ['v2.3.14', 'v2.3.15', 'v2.4.0', 'v2.4.1-rc2', 'v3.0.0'];

export function generateWorkload(options: {
  records: number;
  partitions?: number;
  sensors?: number;
  seed?: number;
  baseTimestamp?: number;
}): Workload {
  const size = options.records;
  const partitions = options.partitions ?? 8;
  const sensors = options.sensors ?? 10_000;
  const random = prng(options.seed ?? 0x7ab1e);
  // Recent event times: a broker with time-based retention deletes old-looking segments (with
  // Kafka's default 7 days, data stamped months ago vanishes under the consumer mid-run).
  const baseTimestamp = options.baseTimestamp ?? Date.now() - size;

  const sensorIds = Array.from({ length: sensors }, (_, i) => `sensor-${String(i).padStart(5, '0')}`);
  const sensorKeys = sensorIds.map((id) => Buffer.from(id, 'utf8'));
  const sensorPartitions = sensorKeys.map((key) => partitionForKey(key, partitions));

  const keys = new Array<Buffer>(size);
  const values = new Array<Buffer>(size);
  const partitionOf = new Uint8Array(size);
  const timestamps = new Float64Array(size);
  // keptBefore[i] = how many of records [0, i) the predicate keeps.
  const keptBefore = new Uint32Array(size + 1);
  let valueBytes = 0;

  for (let i = 0; i < size; i++) {
    const sensor = Math.floor(random() * sensors);
    const ts = baseTimestamp + i;
    const reading: SensorReading = {
      sensorId: sensorIds[sensor],
      celsius: Math.round((10 + random() * 30) * 100) / 100,
      ts,
      site: SITES[sensor % SITES.length],
      firmware: FIRMWARE[sensor % FIRMWARE.length],
      battery: Math.floor(random() * 101),
      humidity: Math.round(random() * 1000) / 10,
      status: random() < 0.97 ? 'ok' : 'degraded',
      note: '',
    };
    const unpadded = JSON.stringify(reading).length;
    reading.note = 'x'.repeat(Math.max(0, TARGET_VALUE_BYTES - unpadded));
    const value = Buffer.from(JSON.stringify(reading), 'utf8');
    keys[i] = sensorKeys[sensor];
    values[i] = value;
    partitionOf[i] = sensorPartitions[sensor];
    timestamps[i] = ts;
    valueBytes += value.length;
    keptBefore[i + 1] = keptBefore[i] + (isWarm(reading) ? 1 : 0);
  }

  return {
    size,
    partitions,
    sensors,
    keys,
    values,
    partitionOf,
    timestamps,
    avgValueBytes: size === 0 ? 0 : valueBytes / size,
    expectedKept(n: number): number {
      if (!Number.isInteger(n) || n < 0 || n > size) throw new RangeError(`workload holds ${size} records, asked for ${n}`);
      return keptBefore[n];
    },
  };
}
