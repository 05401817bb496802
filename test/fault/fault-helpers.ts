/**
 * Shared pieces of the fault tests: sensor readings with a unique id each (header `rid`), the
 * reference result computed from them, a producer that feeds them over time, worker processes,
 * and the analysis of the output topic.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionForKey } from '../../src/broker/partitioner.js';
import type { Broker, ConsumedRecord, ProducerRecord } from '../../src/broker/types.js';
import { AppProcess } from '../helpers/app-process.js';
import { readAll } from '../helpers/topics.js';
import { WINDOW_MS, windowKey, windowStart } from './windowed-count-app.js';
import type { WorkerConfig } from './worker.js';

export const WORKER_SCRIPT = 'test/fault/worker.ts';
export const RID_HEADER = 'rid';

export interface Reading {
  id: number;
  sensor: string;
  timestamp: number;
  value: string;
}

/** Deterministic PRNG (mulberry32), so a failing run can be replayed from its printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` readings of `sensors` sensors, event times rising over `windows` 1-minute windows (with
 * up to 2 s of jitter, well inside the app's grace), ending 10 minutes before now.
 */
export function makeReadings(count: number, sensors: number, windows: number, random: () => number): Reading[] {
  const t0 = windowStart(Date.now()) - (windows + 10) * WINDOW_MS;
  const span = windows * WINDOW_MS - 2_000;
  return Array.from({ length: count }, (_, id) => ({
    id,
    sensor: `sensor-${Math.floor(random() * sensors)}`,
    timestamp: t0 + Math.floor((id * span) / count) + Math.floor(random() * 2_000),
    value: `${(15 + random() * 20).toFixed(2)}`,
  }));
}

/** The expected final count per `<sensor>@<windowStart>`, computed from the input alone. */
export function reference(readings: readonly Reading[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of readings) {
    const key = windowKey(r.sensor, r.timestamp);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Produces the readings in chunks, one chunk every `intervalMs` (0: as fast as the broker takes them). */
export async function produceReadings(
  broker: Broker,
  topic: string,
  readings: readonly Reading[],
  options: { chunk?: number; intervalMs?: number; onChunk?: (producedSoFar: number) => void } = {},
): Promise<void> {
  const partitions = await broker.partitionCount(topic);
  if (partitions === undefined) throw new Error(`topic '${topic}' does not exist`);
  const chunk = options.chunk ?? 5_000;
  const producer = broker.producer();
  await producer.connect();
  try {
    for (let i = 0; i < readings.length; i += chunk) {
      const started = Date.now();
      const batch: ProducerRecord[] = readings.slice(i, i + chunk).map((r) => {
        const key = Buffer.from(r.sensor);
        return {
          topic,
          partition: partitionForKey(key, partitions),
          key,
          value: Buffer.from(r.value),
          timestamp: r.timestamp,
          headers: { [RID_HEADER]: Buffer.from(String(r.id)) },
        };
      });
      await producer.send(batch);
      options.onChunk?.(Math.min(i + chunk, readings.length));
      const wait = (options.intervalMs ?? 0) - (Date.now() - started);
      if (wait > 0 && i + chunk < readings.length) await sleep(wait);
    }
  } finally {
    await producer.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until the group's committed offsets on `topic` reach its end offsets (everything consumed and committed). */
export async function waitUntilConsumed(broker: Broker, groupId: string, topic: string, timeoutMs: number, alive?: () => void): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [end, committed] = await Promise.all([broker.endOffsets(topic), broker.committedOffsets(groupId, topic)]);
    if (end.every((e, p) => (committed[p] ?? 0) >= e)) return Date.now() - started;
    alive?.();
    if (Date.now() - started > timeoutMs) {
      throw new Error(`group ${groupId} has committed ${JSON.stringify(committed)} of ${JSON.stringify(end)} on ${topic} after ${timeoutMs} ms`);
    }
    await sleep(250);
  }
}

export interface OutputAnalysis {
  records: number;
  /** Emitted counts per `<sensor>@<windowStart>`, in offset order. */
  sequences: Map<string, number[]>;
  /** How many output records each input id produced (from the `rid` header the app passes on). */
  perInput: Map<number, number>;
  /** Output records without a `rid` header (an app that does not pass input headers on, or a cache flush). */
  withoutRid: number;
}

export function analyze(output: readonly ConsumedRecord[]): OutputAnalysis {
  const sequences = new Map<string, number[]>();
  const perInput = new Map<number, number>();
  let withoutRid = 0;
  for (const record of output) {
    const key = record.key!.toString();
    const count = Number(record.value!.readBigInt64BE(0));
    const seq = sequences.get(key);
    if (seq) seq.push(count);
    else sequences.set(key, [count]);
    const rid = record.headers[RID_HEADER];
    if (rid === undefined) {
      withoutRid++;
      continue;
    }
    const id = Number(rid.toString());
    perInput.set(id, (perInput.get(id) ?? 0) + 1);
  }
  return { records: output.length, sequences, perInput, withoutRid };
}

export async function readOutput(broker: Broker, topic: string): Promise<OutputAnalysis> {
  return analyze(await readAll(broker, topic, 'read_committed'));
}

/** Input ids that produced no output record at all (needs an app that passes the `rid` header on). */
export function lostInputs(readings: readonly Reading[], analysis: OutputAnalysis): number[] {
  if (analysis.withoutRid > 0) throw new Error(`${analysis.withoutRid} output records carry no '${RID_HEADER}' header: per-reading accounting is impossible`);
  return readings.filter((r) => !analysis.perInput.has(r.id)).map((r) => r.id);
}

/** Output records beyond one per input record (replays). */
export function duplicateOutputs(analysis: OutputAnalysis): number {
  let extra = 0;
  for (const n of analysis.perInput.values()) extra += n - 1;
  return extra;
}

/**
 * Exactly-once check per (sensor, window): the emitted counts must be exactly 1, 2, ..., reference
 * (so the latest equals the reference, nothing repeats, nothing goes backwards, nothing is missing).
 * Returns a description of each violation (empty when all is well).
 */
export function exactSequenceViolations(expected: Map<string, number>, analysis: OutputAnalysis): string[] {
  const problems: string[] = [];
  for (const [key, want] of expected) {
    const seq = analysis.sequences.get(key) ?? [];
    const ok = seq.length === want && seq.every((v, i) => v === i + 1);
    if (!ok) {
      const firstBad = seq.findIndex((v, i) => v !== i + 1);
      problems.push(
        `${key}: expected 1..${want}, got ${seq.length} values, last ${seq.at(-1)}` +
          (firstBad >= 0 ? `, first deviation at #${firstBad}: ${seq.slice(Math.max(0, firstBad - 2), firstBad + 3).join(',')}` : ''),
      );
    }
  }
  for (const key of analysis.sequences.keys()) if (!expected.has(key)) problems.push(`${key}: not in the reference`);
  return problems;
}

/**
 * The check that holds with or without a record cache in front of the store (a cache emits a
 * window's count once per commit, not once per reading): per (sensor, window), the emitted counts
 * strictly increase (nothing repeated, nothing going backwards) and the latest equals the reference.
 */
export function monotonicViolations(expected: Map<string, number>, analysis: OutputAnalysis): string[] {
  const problems: string[] = [];
  for (const [key, want] of expected) {
    const seq = analysis.sequences.get(key) ?? [];
    const back = seq.findIndex((v, i) => i > 0 && v <= seq[i - 1]);
    if (back >= 0) problems.push(`${key}: ${seq[back - 1]} then ${seq[back]} (#${back} of ${seq.length})`);
    else if (seq.at(-1) !== want) problems.push(`${key}: latest ${seq.at(-1)}, reference ${want}`);
  }
  for (const key of analysis.sequences.keys()) if (!expected.has(key)) problems.push(`${key}: not in the reference`);
  return problems;
}

/** A temporary directory removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** One app instance (a worker process) that can be killed and restarted with the same identity. */
export class Instance {
  proc: AppProcess;
  starts = 1;
  constructor(
    readonly name: string,
    readonly config: WorkerConfig,
  ) {
    this.proc = this.spawn();
  }

  private spawn(): AppProcess {
    return AppProcess.start(WORKER_SCRIPT, this.config, { label: `${this.name}#${this.starts}` });
  }

  restart(): void {
    if (!this.proc.exitStatus) throw new Error(`${this.name} is still running`);
    this.starts++;
    this.proc = this.spawn();
  }

  /** Processed-record count reported by the current process (0 until it reports). */
  get processed(): number {
    return (this.proc.last('progress')?.processed as number | undefined) ?? 0;
  }

  /** Throws if the current process exited without being asked to. */
  assertAlive(): void {
    const exit = this.proc.exitStatus;
    if (exit) throw this.proc.failure(`exited unexpectedly (${exit.signal ?? `code ${exit.code}`})`);
  }
}
