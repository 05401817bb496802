/**
 * Exactly-once vs at-least-once throughput, on real Kafka:
 *
 *   node --import tsx bench/eos.ts           (KAFKA_BROKERS, default 127.0.0.1:9092)
 *
 * Two workloads, over the same pre-produced input for every row of a workload (P1's generator:
 * ~200-byte JSON sensor readings, 10,000 sensors, 8 partitions; bench/lib/workload.ts):
 *  - stateless: P1's `filter(isWarm).mapValues(summarize)` (~50 % kept);
 *  - windowed count: `groupByKey().windowedBy(1-minute tumbling windows).count().toStream()`
 *    (the DSL's default store: in memory, changelogged; cached if the DSL caches window stores).
 *
 * Rows: at_least_once (runtime defaults: 1 s commits), exactly_once_v2 with the same 1 s commit
 * interval, and exactly_once_v2 with 100 ms commits (Kafka Streams' exactly-once default). Each
 * row is one StreamsApp in this process, timed from `start()` until the group's committed offsets
 * reach the input's end (everything processed and committed, which under exactly-once means its
 * output is visible to read_committed readers); records/s = input records / that time. The output
 * is then read back (read_committed) and checked (stateless: its size; windowed: the latest count
 * per (sensor, window) adds up to the input size; exact under exactly-once, at least under at-least-once).
 *
 * Every row runs BENCH_EOS_REPEATS times (2), the rows interleaved; the best run of each is kept
 * (the machine is shared: the best run is the one least disturbed).
 *
 * Env: BENCH_EOS_STATELESS_N (600000), BENCH_EOS_WINDOWED_N (300000), BENCH_EOS_REPEATS (2).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Broker, ConsumedRecord } from '../src/broker/types.js';
import type { ProcessingGuarantee } from '../src/runtime/config.js';
import type { Topology } from '../src/topology/topology.js';
import type { ReadingSummary, SensorReading } from './lib/workload.js';

// The engine's logger reads these when it is first imported, hence the dynamic imports after them.
process.env.TRIBUTARY_LOG_LEVEL ??= 'error';
process.env.TRIBUTARY_LOG_FORMAT ??= 'json';
const { KafkaBroker } = await import('../src/broker/kafka/index.js');
const { StreamsBuilder } = await import('../src/dsl/streams-builder.js');
const { TimeWindows } = await import('../src/dsl/time-windows.js');
const { StreamsApp } = await import('../src/runtime/streams-app.js');
const { Serdes } = await import('../src/serde/index.js');
const { produceWorkload, rawKafka } = await import('./lib/kafka.js');
const { generateWorkload, isWarm, summarize } = await import('./lib/workload.js');

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const STATELESS_N = Number(process.env.BENCH_EOS_STATELESS_N ?? 600_000);
const WINDOWED_N = Number(process.env.BENCH_EOS_WINDOWED_N ?? 300_000);
const REPEATS = Number(process.env.BENCH_EOS_REPEATS ?? 2);
const PARTITIONS = 8;

const log = (message: string) => console.error(`[eos] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Workload {
  name: string;
  records: number;
  topology(input: string, output: string): Topology;
  /** Checks the output (read with read_committed); returns what is wrong, if anything. */
  verify(output: ConsumedRecord[], guarantee: ProcessingGuarantee): string | undefined;
}

interface Row {
  name: string;
  guarantee: ProcessingGuarantee;
  commitIntervalMs: number;
}

const ROWS: Row[] = [
  { name: 'at_least_once, 1 s commits', guarantee: 'at_least_once', commitIntervalMs: 1_000 },
  { name: 'exactly_once_v2, 1 s commits', guarantee: 'exactly_once_v2', commitIntervalMs: 1_000 },
  { name: 'exactly_once_v2, 100 ms commits', guarantee: 'exactly_once_v2', commitIntervalMs: 100 },
];

async function timeRow(broker: Broker, workload: Workload, input: string, prefix: string, row: Row): Promise<{ ms: number; output: ConsumedRecord[] }> {
  const output = `${prefix}-out-${randomBytes(3).toString('hex')}`;
  await broker.createTopics([{ name: output, partitions: PARTITIONS }]);
  const applicationId = `${prefix}-app-${randomBytes(3).toString('hex')}`;
  const stateDir = await mkdtemp(join(tmpdir(), 'tributary-bench-eos-'));
  const app = new StreamsApp(workload.topology(input, output), {
    applicationId,
    brokers,
    processingGuarantee: row.guarantee,
    commitIntervalMs: row.commitIntervalMs,
    stateDir,
  });
  const started = performance.now();
  await app.start();
  const end = await broker.endOffsets(input);
  for (;;) {
    if (app.state === 'ERROR') throw app.error ?? new Error('app failed');
    const committed = await broker.committedOffsets(applicationId, input);
    if (end.every((e, p) => (committed[p] ?? 0) >= e)) break;
    await sleep(50);
  }
  const ms = performance.now() - started;
  await app.close();
  await rm(stateDir, { recursive: true, force: true });
  const records: ConsumedRecord[] = [];
  const ends = await broker.endOffsets(output);
  for (let p = 0; p < ends.length; p++) {
    if (ends[p] > 0) await broker.readPartition({ topic: output, partition: p }, 0, ends[p], (batch) => records.push(...batch), { isolationLevel: 'read_committed' });
  }
  return { ms, output: records };
}

async function main(): Promise<void> {
  const broker = new KafkaBroker({ brokers });
  await broker.connect();
  const kafka = rawKafka(brokers, 'bench-eos');
  const prefix = `bench-eos-${Date.now().toString(36)}`;
  const lines: string[] = [];
  try {
    const stateless = generateWorkload({ records: STATELESS_N, partitions: PARTITIONS });
    const windowedData = generateWorkload({ records: WINDOWED_N, partitions: PARTITIONS, seed: 42 });
    const workloads: Array<Workload & { data: typeof stateless }> = [
      {
        name: 'stateless filter + mapValues',
        records: STATELESS_N,
        data: stateless,
        verify: (output, guarantee) => {
          const want = stateless.expectedKept(STATELESS_N);
          const ok = guarantee === 'exactly_once_v2' ? output.length === want : output.length >= want;
          return ok ? undefined : `${output.length} output records, expected ${want}`;
        },
        topology: (input, output) => {
          const builder = new StreamsBuilder();
          builder
            .stream(input, { key: Serdes.string(), value: Serdes.json<SensorReading>() })
            .filter((_sensor, reading) => isWarm(reading))
            .mapValues((reading) => summarize(reading))
            .to(output, { key: Serdes.string(), value: Serdes.json<ReadingSummary>() });
          return builder.build();
        },
      },
      {
        name: 'windowed count (1-minute tumbling)',
        records: WINDOWED_N,
        data: windowedData,
        // The latest count of every (sensor, window) adds up to the input size (exactly, under exactly-once).
        verify: (output, guarantee) => {
          const latest = new Map<string, number>();
          for (const r of output) latest.set(r.key!.toString('hex'), Number(r.value!.readBigInt64BE(0)));
          let sum = 0;
          for (const n of latest.values()) sum += n;
          const ok = guarantee === 'exactly_once_v2' ? sum === WINDOWED_N : sum >= WINDOWED_N;
          return ok ? undefined : `latest window counts add up to ${sum}, expected ${WINDOWED_N}`;
        },
        topology: (input, output) => {
          const builder = new StreamsBuilder();
          builder
            .stream(input, { key: Serdes.string(), value: Serdes.json<SensorReading>() })
            .groupByKey()
            .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 60_000))
            .count()
            .toStream()
            .to(output);
          return builder.build();
        },
      },
    ];
    for (const workload of workloads) {
      const input = `${prefix}-in-${randomBytes(3).toString('hex')}`;
      await broker.createTopics([{ name: input, partitions: PARTITIONS }]);
      await produceWorkload(kafka, input, workload.data, workload.records);
      log(`${workload.name}: ${workload.records} readings produced`);
      const results = ROWS.map((row) => ({ row, rate: 0, ms: Infinity, output: 0 }));
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        for (const result of results) {
          const { row } = result;
          const { ms, output } = await timeRow(broker, workload, input, prefix, row);
          const rate = workload.records / (ms / 1000);
          log(`${workload.name} / ${row.name}: ${Math.round(ms)} ms, ${Math.round(rate)} records/s, ${output.length} output records`);
          const problem = workload.verify(output, row.guarantee);
          if (problem) throw new Error(`${workload.name} / ${row.name}: ${problem}`);
          if (ms < result.ms) Object.assign(result, { rate, ms, output: output.length });
        }
      }
      const base = results[0].rate;
      for (const r of results) {
        lines.push(
          `| ${workload.name} | ${r.row.name} | ${workload.records} | ${Math.round(r.ms)} | ${Math.round(r.rate).toLocaleString('en-US')} | ${(r.rate / base).toFixed(2)} |`,
        );
      }
    }
  } finally {
    const mine = (await broker.listTopics()).filter((t) => t.startsWith(prefix));
    await broker.deleteTopics(mine).catch(() => undefined);
    await broker.close();
  }
  console.log(`\nExactly-once vs at-least-once throughput (one in-process instance, ${PARTITIONS} partitions, real Kafka, best of ${REPEATS})\n`);
  console.log('| workload | guarantee | records | ms | records/s | ratio to at_least_once |');
  console.log('|---|---|---|---|---|---|');
  for (const line of lines) console.log(line);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
