/**
 * P2: windowed count, and restore of its store.
 *
 * Workload: N readings keyed by sensor id, 10k sensors drawn from a Zipf distribution (s = 1: the
 * hottest sensor sends ~10 % of the readings, half of them come from the top ~100), an 8-byte
 * float64 value, event times 0.6 ms apart (N = 2M spans 20 one-minute windows), 8 partitions.
 * The topology counts readings per sensor in 1-minute tumbling windows (default store: in memory,
 * cached, logged) and writes every forwarded update to an 8-partition topic.
 *
 *   a       embedded broker (memory-only): StreamsApp running the windowed count
 *   a-ref   embedded broker: Broker-interface pass-through of the same input (the transport's ceiling)
 *   b       real Kafka: StreamsApp running the windowed count
 *   c-pipe  real Kafka: raw kafkajs pass-through, sends pipelined (what the engine's collector does)
 *   r       embedded: restore of the count store (in memory) from a changelog of R records
 *   r-ldb   the same into a LevelDB (persistent) store, no checkpoint: a full restore
 *   r-ref   embedded: `readPartition` of the same changelog, every partition (the broker's ceiling)
 *
 * An app row is timed from `start()` until its committed input offsets cover all N records: every
 * record processed, the stores flushed, the output and changelog acknowledged (commits run every
 * second, the default, so up to a second of that is waiting for the next commit). A pass-through
 * row until its output holds N records. Restore rows from the first store's restore start to the
 * last one's end, as told by the app's restore listener. Peak RSS is sampled every 20 ms during a
 * row; the embedded broker holds its topics in the same process, so its rows include them.
 *
 * Sizes: BENCH_P2_EMBEDDED_N (default 2M), BENCH_P2_KAFKA_N (default 500k), BENCH_P2_RESTORE_N
 * (default 1M); `--quick` shrinks them. BENCH_SKIP_KAFKA=1 leaves the Kafka rows out.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { EmbeddedBroker } from '../src/broker/embedded/index.js';
import { partitionForKey } from '../src/broker/partitioner.js';
import type { Broker, ProducerRecord } from '../src/broker/types.js';
import { countSerde } from '../src/dsl/count-serde.js';
import { Materialized } from '../src/dsl/materialized.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { TimeWindows } from '../src/dsl/time-windows.js';
import { StreamsApp } from '../src/runtime/streams-app.js';
import { Serdes } from '../src/serde/index.js';
import { windowKey } from '../src/state/window-store.js';
import type { Topology } from '../src/topology/topology.js';
import { appCheck, failedRow, notMeasured, pipeCheck, settleHeap, type RowBase } from './lib/harness.js';
import { createTopics, endOffsetSum, kafkaBrokers, kafkaSkipReason, produceWorkload, withBenchKafka } from './lib/kafka.js';
import { startBrokerPassThrough, startKafkajsPassThrough } from './lib/passthrough.js';
import { ratioOf, type BenchRow, type SuiteResult } from './lib/report.js';
import { envCount, type Suite, type SuiteContext } from './lib/suite.js';
import { now, waitForCount, type CompletionResult } from './lib/timing.js';
import { prng, type Workload } from './lib/workload.js';

const PARTITIONS = 8;
const SENSORS = 10_000;
const ZIPF_S = 1;
const WINDOW_MS = 60_000;
/** Event time between two readings. */
const STEP_MS = 0.6;
const MAX_BATCH_RECORDS = 10_000;
const STORE = 'counts';
const TARGET_RPS = 500_000;
const EMBEDDED_ROW_TIMEOUT_MS = 60_000;
const KAFKA_ROW_TIMEOUT_MS = 90_000;

const COMMITTED = 'input records committed';

export function p2Topology(input: string, output: string, storeType: 'in-memory' | 'persistent' = 'in-memory'): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { key: Serdes.string(), value: Serdes.float64() })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_MS))
    .count({ ...Materialized.as<string, number>(STORE), storeType })
    .toStream()
    .to(output);
  return builder.build();
}

/** Zipf-skewed readings in the shape of the shared `Workload`, so Kafka pre-production can be reused. */
function zipfWorkload(size: number): Workload & { sensorOf: Uint16Array } {
  const random = prng(0x2b1f);
  const cdf = new Float64Array(SENSORS);
  let total = 0;
  for (let i = 0; i < SENSORS; i++) total += 1 / (i + 1) ** ZIPF_S;
  let acc = 0;
  for (let i = 0; i < SENSORS; i++) cdf[i] = acc += 1 / (i + 1) ** ZIPF_S / total;
  const sensorKeys = Array.from({ length: SENSORS }, (_, i) => Buffer.from(`sensor-${String(i).padStart(5, '0')}`, 'utf8'));
  const sensorPartitions = sensorKeys.map((key) => partitionForKey(key, PARTITIONS));
  // Whole windows, recent enough for a broker with time-based retention to keep the records.
  const base = Math.floor((Date.now() - size * STEP_MS - 3_600_000) / WINDOW_MS) * WINDOW_MS;
  const keys = new Array<Buffer>(size);
  const values = new Array<Buffer>(size);
  const partitionOf = new Uint8Array(size);
  const timestamps = new Float64Array(size);
  const sensorOf = new Uint16Array(size);
  for (let i = 0; i < size; i++) {
    const u = random();
    let lo = 0;
    let hi = SENSORS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    const value = Buffer.allocUnsafe(8);
    value.writeDoubleBE(Math.round((10 + random() * 30) * 100) / 100);
    keys[i] = sensorKeys[lo];
    values[i] = value;
    partitionOf[i] = sensorPartitions[lo];
    timestamps[i] = base + Math.floor(i * STEP_MS);
    sensorOf[i] = lo;
  }
  return { size, partitions: PARTITIONS, sensors: SENSORS, keys, values, partitionOf, timestamps, sensorOf, avgValueBytes: 8, expectedKept: (n) => n };
}

/** Samples this process's RSS until stopped; returns the peak in MiB. */
function rssSampler(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
  };
}

function measured(base: RowBase, result: CompletionResult, peakRss: number, what: string): BenchRow {
  const rss = `peak RSS ${peakRss.toFixed(0)} MiB`;
  if (!result.completed) {
    return { ...base, status: 'failed', wallMs: result.elapsedMs, note: `timed out with ${result.count}/${base.records} ${what}; ${rss}` };
  }
  // Counted by committed offsets, the first non-zero count is the first commit, not the first output.
  const firstOutputMs = what === COMMITTED ? undefined : result.firstOutputMs;
  return { ...base, status: 'measured', wallMs: result.elapsedMs, firstOutputMs, recordsPerSec: base.records / (result.elapsedMs / 1000), note: rss };
}

const sum = (offsets: readonly (number | null)[]) => offsets.reduce<number>((a, b) => a + (b ?? 0), 0);

async function produceEmbedded(broker: Broker, topic: string, records: (i: number) => ProducerRecord, n: number): Promise<void> {
  const producer = broker.producer();
  await producer.connect();
  try {
    for (let from = 0; from < n; from += 10_000) {
      const batch: ProducerRecord[] = [];
      for (let i = from; i < Math.min(n, from + 10_000); i++) batch.push(records(i));
      await producer.send(batch);
    }
  } finally {
    await producer.close();
  }
}

async function embeddedRows(ctx: SuiteContext, workload: ReturnType<typeof zipfWorkload>, n: number): Promise<BenchRow[]> {
  const aBase = { id: 'a', label: 'embedded: StreamsApp windowed count (1-min tumbling, 10k zipf keys)', records: n };
  const refBase = { id: 'a-ref', label: 'embedded: Broker-interface pass-through', records: n };
  const broker = new EmbeddedBroker();
  await broker.connect();
  const prefix = `${ctx.runId}-p2-emb`;
  const input = `${prefix}-in`;
  const stateDir = await mkdtemp(join(tmpdir(), 'tributary-p2-'));
  try {
    await broker.createTopics([{ name: input, partitions: PARTITIONS }, { name: `${prefix}-ref-out`, partitions: PARTITIONS }, { name: `${prefix}-app-out`, partitions: PARTITIONS }]);
    ctx.log(`embedded: producing ${n.toLocaleString('en-US')} readings`);
    const { keys, values, partitionOf, timestamps } = workload;
    await produceEmbedded(broker, input, (i) => ({ topic: input, partition: partitionOf[i], key: keys[i], value: values[i], timestamp: timestamps[i] }), n);

    settleHeap();
    ctx.log('embedded: a-ref');
    let ref: BenchRow;
    try {
      const peak = rssSampler();
      const startedAt = now();
      const pipe = await startBrokerPassThrough(broker, { input, output: `${prefix}-ref-out`, groupId: `${prefix}-ref`, maxBatchRecords: MAX_BATCH_RECORDS });
      try {
        const result = await waitForCount({
          count: async () => sum(await broker.endOffsets(`${prefix}-ref-out`)),
          target: n,
          startedAt,
          intervalMs: 5,
          timeoutMs: EMBEDDED_ROW_TIMEOUT_MS,
          check: pipeCheck(pipe),
        });
        ref = measured(refBase, result, peak(), 'records in the output');
      } finally {
        await pipe.close();
      }
    } catch (err) {
      ref = failedRow(refBase, err);
    }

    settleHeap();
    ctx.log('embedded: a');
    let a: BenchRow;
    const applicationId = `${prefix}-app`;
    try {
      const app = new StreamsApp(p2Topology(input, `${prefix}-app-out`), { applicationId, stateDir }, { broker });
      try {
        const peak = rssSampler();
        const startedAt = now();
        await app.start();
        const result = await waitForCount({
          count: async () => sum(await broker.committedOffsets(applicationId, input)),
          target: n,
          startedAt,
          intervalMs: 5,
          timeoutMs: EMBEDDED_ROW_TIMEOUT_MS,
          check: appCheck(app),
        });
        a = measured(aBase, result, peak(), COMMITTED);
        const out = sum(await broker.endOffsets(`${prefix}-app-out`));
        a.note = `${a.note}; ${out.toLocaleString('en-US')} window updates out (${((out / n) * 100).toFixed(1)} % of input: the cache coalesces a window's updates between commits)`;
      } finally {
        await app.close();
      }
    } catch (err) {
      a = failedRow(aBase, err);
    }
    a.ratios = [ratioOf(a, ref)].filter((r) => r !== undefined);
    a.target = { text: '≥ 500k rec/s', met: a.status === 'measured' ? (a.recordsPerSec ?? 0) >= TARGET_RPS : undefined };
    return [a, ref];
  } finally {
    await broker.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** A changelog like the uncached count's: per reading, its window's new count (`[key][start]` → int64). */
async function restoreRows(ctx: SuiteContext, workload: ReturnType<typeof zipfWorkload>, n: number): Promise<BenchRow[]> {
  const refBase = { id: 'r-ref', label: 'embedded: readPartition of the changelog, all partitions', records: n };
  const broker = new EmbeddedBroker();
  await broker.connect();
  const prefix = `${ctx.runId}-p2-restore`;
  const input = `${prefix}-in`;
  const applicationId = `${prefix}-app`;
  const changelog = `${applicationId}-${STORE}-changelog`;
  try {
    await broker.createTopics([{ name: input, partitions: PARTITIONS }, { name: `${prefix}-out`, partitions: PARTITIONS }, { name: changelog, partitions: PARTITIONS }]);
    ctx.log(`restore: writing a changelog of ${n.toLocaleString('en-US')} records`);
    const counts = new Map<number, number>();
    const { keys, partitionOf, timestamps, sensorOf } = workload;
    await produceEmbedded(
      broker,
      changelog,
      (i) => {
        const start = timestamps[i] - (timestamps[i] % WINDOW_MS);
        const id = start * SENSORS + sensorOf[i];
        const count = (counts.get(id) ?? 0) + 1;
        counts.set(id, count);
        return { topic: changelog, partition: partitionOf[i], key: windowKey(keys[i], start), value: countSerde.serialize(count, changelog), timestamp: timestamps[i] };
      },
      n,
    );
    const ends = await broker.endOffsets(changelog);

    settleHeap();
    ctx.log('restore: r-ref');
    let ref: BenchRow;
    try {
      const peak = rssSampler();
      const startedAt = now();
      let read = 0;
      for (let p = 0; p < PARTITIONS; p++) await broker.readPartition({ topic: changelog, partition: p }, 0, ends[p], (batch) => void (read += batch.length));
      const elapsedMs = now() - startedAt;
      ref = measured(refBase, { completed: read === n, elapsedMs, firstOutputMs: undefined, count: read }, peak(), 'records read');
    } catch (err) {
      ref = failedRow(refBase, err);
    }

    const rows: BenchRow[] = [];
    for (const [id, storeType] of [['r', 'in-memory'], ['r-ldb', 'persistent']] as const) {
      const base = { id, label: `embedded: restore of the count store (${storeType === 'persistent' ? 'LevelDB' : 'in memory'}) from its changelog`, records: n };
      settleHeap();
      ctx.log(`restore: ${id}`);
      const stateDir = await mkdtemp(join(tmpdir(), 'tributary-p2-'));
      try {
        let first = Infinity;
        let last = 0;
        let restored = 0;
        const app = new StreamsApp(
          p2Topology(input, `${prefix}-out`, storeType),
          { applicationId, stateDir },
          {
            broker,
            restoreListener: {
              onRestoreStart: () => void (first = Math.min(first, now())),
              onRestoreEnd: (end) => {
                last = now();
                restored += end.restored;
              },
            },
          },
        );
        try {
          const peak = rssSampler();
          await app.start();
          await app.waitForState('RUNNING', EMBEDDED_ROW_TIMEOUT_MS);
          const row = measured(base, { completed: restored === n, elapsedMs: last - first, firstOutputMs: undefined, count: restored }, peak(), 'records restored');
          row.ratios = [ratioOf(row, ref)].filter((r) => r !== undefined);
          row.target = { text: '≥ 500k rec/s', met: row.status === 'measured' ? (row.recordsPerSec ?? 0) >= TARGET_RPS : undefined };
          rows.push(row);
        } finally {
          await app.close();
        }
      } catch (err) {
        rows.push(failedRow(base, err));
      } finally {
        await rm(stateDir, { recursive: true, force: true });
      }
    }
    return [...rows, ref];
  } finally {
    await broker.close();
  }
}

async function committedSum(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return offsets.partitions.reduce((total, p) => total + Math.max(0, Number(p.offset)), 0);
}

async function kafkaRows(ctx: SuiteContext, workload: ReturnType<typeof zipfWorkload>, n: number): Promise<BenchRow[]> {
  const brokers = kafkaBrokers();
  const bBase = { id: 'b', label: 'Kafka: StreamsApp windowed count (1-min tumbling, 10k zipf keys)', records: n };
  const cBase = { id: 'c-pipe', label: 'Kafka: raw kafkajs pass-through, sends pipelined', records: n };
  const skipped = await kafkaSkipReason(brokers);
  if (skipped) return [bBase, cBase].map((base) => notMeasured(base, skipped));
  const prefix = `${ctx.runId}-p2-kafka`;
  const input = `${prefix}-in`;
  const applicationId = `${prefix}-app`;
  const refGroup = `${prefix}-pipe`;
  return withBenchKafka(brokers, prefix, [applicationId, refGroup], (m) => ctx.log(m), async (kafka, admin) => {
    await createTopics(admin, [input, `${prefix}-app-out`, `${prefix}-pipe-out`], PARTITIONS);
    ctx.log(`kafka: producing ${n.toLocaleString('en-US')} readings to ${brokers.join(',')}`);
    await produceWorkload(kafka, input, workload, n);

    settleHeap();
    ctx.log('kafka: c-pipe');
    let c: BenchRow;
    try {
      const peak = rssSampler();
      const startedAt = now();
      const pipe = await startKafkajsPassThrough(kafka, { input, output: `${prefix}-pipe-out`, groupId: refGroup, mode: 'pipelined' });
      try {
        const result = await waitForCount({
          count: () => endOffsetSum(admin, `${prefix}-pipe-out`),
          target: n,
          startedAt,
          intervalMs: 100,
          timeoutMs: KAFKA_ROW_TIMEOUT_MS,
          check: pipeCheck(pipe),
        });
        c = measured(cBase, result, peak(), 'records in the output');
      } finally {
        await pipe.close();
      }
    } catch (err) {
      c = failedRow(cBase, err);
    }

    settleHeap();
    ctx.log('kafka: b (StreamsApp)');
    let b: BenchRow;
    const stateDir = await mkdtemp(join(tmpdir(), 'tributary-p2-'));
    try {
      const app = new StreamsApp(p2Topology(input, `${prefix}-app-out`), { applicationId, brokers, stateDir });
      try {
        const peak = rssSampler();
        const startedAt = now();
        await app.start();
        const result = await waitForCount({
          count: () => committedSum(admin, applicationId, input),
          target: n,
          startedAt,
          intervalMs: 100,
          timeoutMs: KAFKA_ROW_TIMEOUT_MS,
          check: appCheck(app),
        });
        b = measured(bBase, result, peak(), COMMITTED);
      } finally {
        await app.close();
      }
    } catch (err) {
      b = failedRow(bBase, err);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
    b.ratios = [ratioOf(b, c)].filter((r) => r !== undefined);
    return [b, c];
  });
}

export const suite: Suite = {
  id: 'p2',
  title: 'windowed count (1-minute tumbling windows, 10k Zipf-skewed keys) and restore',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const embeddedN = envCount('BENCH_P2_EMBEDDED_N', ctx.quick ? 200_000 : 2_000_000);
    const kafkaN = envCount('BENCH_P2_KAFKA_N', ctx.quick ? 50_000 : 500_000);
    const restoreN = envCount('BENCH_P2_RESTORE_N', ctx.quick ? 100_000 : 1_000_000);
    ctx.log(`generating ${Math.max(embeddedN, kafkaN, restoreN).toLocaleString('en-US')} readings`);
    const workload = zipfWorkload(Math.max(embeddedN, kafkaN, restoreN));
    const embedded = await embeddedRows(ctx, workload, embeddedN);
    const restore = await restoreRows(ctx, workload, restoreN);
    const kafka = await kafkaRows(ctx, workload, kafkaN);
    const top = new Map<number, number>();
    for (let i = 0; i < embeddedN; i++) top.set(workload.sensorOf[i], (top.get(workload.sensorOf[i]) ?? 0) + 1);
    const hottest = Math.max(...top.values());
    return {
      suite: 'p2',
      title: this.title,
      rows: [...embedded, ...restore, ...kafka],
      facts: [
        `workload: ${SENSORS.toLocaleString('en-US')} sensors, Zipf s=${ZIPF_S} (hottest sensor ${((hottest / embeddedN) * 100).toFixed(1)} % of readings, ${top.size.toLocaleString('en-US')} sensors seen), 8-byte float64 values, event times ${STEP_MS} ms apart, ${PARTITIONS} partitions in and out`,
        'topology: stream → groupByKey → windowedBy(TimeWindows.ofSizeWithNoGrace(1 min)) → count(Materialized.as("counts")) → toStream → to; default config (in-memory store, caching and logging on, 1 s commits, 10 MiB record cache per task)',
        'app rows: start() until committed input offsets cover N; pass-through rows: until the output holds N; restore rows: first restore start to last restore end (8 tasks, one after another), changelog = per reading its window\'s new count (what the uncached count logs)',
      ],
    };
  },
};
