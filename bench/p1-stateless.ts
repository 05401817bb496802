/**
 * P1: stateless JSON `filter + mapValues` throughput.
 *
 * Workload: ~200-byte JSON sensor readings keyed by sensor id (10k sensors), 8 partitions; the
 * filter keeps ~50 %, mapValues builds a small new object, output is an 8-partition topic with the
 * JSON serde. Rows, each timed from the start of the work until the output topic's end offsets
 * sum to the expected count (computed here with the topology's own predicate):
 *
 *   a      embedded broker (memory-only), StreamsApp running the topology
 *   a-ref  embedded broker, pass-through over the Broker interface (consume → produce unchanged)
 *   a-json the JSON work of the topology alone in a plain loop (no broker, no engine): the floor
 *   b      real Kafka, StreamsApp running the topology
 *   c      real Kafka, pass-through with plain kafkajs (eachBatch → sendBatch, awaited per batch)
 *   c-pipe real Kafka, the same with the send pipelined (not awaited per batch), as the engine does
 *   c-json real Kafka, the topology written by hand on kafkajs (pipelined sends): no engine
 *
 * Sizes: BENCH_P1_EMBEDDED_N (default 1M), BENCH_P1_KAFKA_N (default 400k); `--quick` shrinks both.
 * BENCH_P1_EMBEDDED_ROUNDS / BENCH_P1_KAFKA_ROUNDS (default 2 each): rows run in interleaved
 * rounds and keep their best; BENCH_P1_KAFKA_ORDER sets the Kafka rows' order in odd rounds (even
 * rounds reverse it).
 * BENCH_SKIP_KAFKA=1 leaves the Kafka rows out (reported as not measured).
 */
import { EmbeddedBroker } from '../src/broker/embedded/index.js';
import type { Broker, ProducerRecord } from '../src/broker/types.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { StreamsApp } from '../src/runtime/streams-app.js';
import { Serdes } from '../src/serde/index.js';
import type { Topology } from '../src/topology/topology.js';
import { appCheck, failedRow, notMeasured, pipeCheck, settleHeap, type RowBase } from './lib/harness.js';
import { createTopics, endOffsetSum, kafkaBrokers, kafkaSkipReason, produceWorkload, withBenchKafka } from './lib/kafka.js';
import { startBrokerPassThrough, startKafkajsPassThrough } from './lib/passthrough.js';
import { ratioOf, type BenchRow, type SuiteResult } from './lib/report.js';
import { envCount, onInterrupt, type Suite, type SuiteContext } from './lib/suite.js';
import { now, waitForCount, type CompletionResult } from './lib/timing.js';
import { generateWorkload, isWarm, summarize, type ReadingSummary, type SensorReading, type Workload } from './lib/workload.js';

const PARTITIONS = 8;
const SENSORS = 10_000;
/** The engine's default; the embedded reference fetches batches of the same size. */
const MAX_BATCH_RECORDS = 10_000;
const EMBEDDED_TARGET_RPS = 1_000_000;
const KAFKA_TARGET_RATIO = 0.8;
/** A row slower than this is reported as failed (keeps `npm run bench` within its few minutes). */
const EMBEDDED_ROW_TIMEOUT_MS = 60_000;
const KAFKA_ROW_TIMEOUT_MS = 90_000;

export function p1Topology(input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream(input, { key: Serdes.string(), value: Serdes.json<SensorReading>() })
    .filter((_sensor, reading) => isWarm(reading))
    .mapValues((reading) => summarize(reading))
    .to(output, { key: Serdes.string(), value: Serdes.json<ReadingSummary>() });
  return builder.build();
}

function rowFrom(base: RowBase, result: CompletionResult, expected: number, outputName: string): BenchRow {
  if (!result.completed) {
    return {
      ...base,
      status: 'failed',
      wallMs: result.elapsedMs,
      firstOutputMs: result.firstOutputMs,
      note: `timed out after ${(result.elapsedMs / 1000).toFixed(0)} s with ${result.count}/${expected} records in ${outputName}`,
    };
  }
  return {
    ...base,
    status: 'measured',
    wallMs: result.elapsedMs,
    firstOutputMs: result.firstOutputMs,
    recordsPerSec: base.records / (result.elapsedMs / 1000),
    note: result.count > expected ? `output holds ${result.count} records, ${result.count - expected} more than expected` : undefined,
  };
}

/** P1 written by hand for kafkajs (the c-json row): the same JSON work as the topology, no engine. */
function handWrittenP1(value: Buffer | null): Buffer | undefined {
  if (value === null) return undefined;
  const reading = JSON.parse(value.toString('utf8')) as SensorReading;
  return isWarm(reading) ? Buffer.from(JSON.stringify(summarize(reading)), 'utf8') : undefined;
}

async function sumEndOffsets(broker: Broker, topic: string): Promise<number> {
  return (await broker.endOffsets(topic)).reduce((a, b) => a + b, 0);
}

async function produceEmbedded(broker: Broker, topic: string, workload: Workload, n: number): Promise<void> {
  const producer = broker.producer();
  await producer.connect();
  try {
    const chunk = 10_000;
    for (let from = 0; from < n; from += chunk) {
      const to = Math.min(n, from + chunk);
      const records: ProducerRecord[] = new Array(to - from);
      for (let i = from; i < to; i++) {
        records[i - from] = {
          topic,
          partition: workload.partitionOf[i],
          key: workload.keys[i],
          value: workload.values[i],
          timestamp: workload.timestamps[i],
        };
      }
      await producer.send(records);
    }
  } finally {
    await producer.close();
  }
  const held = await sumEndOffsets(broker, topic);
  if (held !== n) throw new Error(`pre-produced ${n} records to '${topic}' but it holds ${held}`);
}

/**
 * The floor under any engine: the same per-record work done in a plain loop, with no broker and
 * no engine: decode key and value, JSON.parse, filter, map, JSON.stringify, encode key and value.
 * Output Buffers are kept per 10k-record batch (as a log would hold them) so nothing is optimized away.
 */
function jsonWorkFloor(workload: Workload, n: number): BenchRow {
  const base = { id: 'a-json', label: 'in-process: the JSON work alone, plain loop', records: n };
  const expected = workload.expectedKept(n);
  const startedAt = now();
  let kept = 0;
  let batch: Buffer[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const key = workload.keys[i].toString('utf8');
    const reading = JSON.parse(workload.values[i].toString('utf8')) as SensorReading;
    if (isWarm(reading)) {
      batch.push(Buffer.from(key, 'utf8'), Buffer.from(JSON.stringify(summarize(reading)), 'utf8'));
      kept++;
    }
    if (batch.length >= 10_000) {
      bytes += batch.length;
      batch = [];
    }
  }
  const elapsedMs = now() - startedAt;
  bytes += batch.length;
  if (kept !== expected || bytes !== 2 * kept) {
    return failedRow(base, `kept ${kept} records, expected ${expected}`);
  }
  return { ...base, status: 'measured', wallMs: elapsedMs, recordsPerSec: n / (elapsedMs / 1000) };
}

/** Of several measurements of one row, the fastest (the least disturbed by other load); else the last. */
function best(rows: BenchRow[], rounds: number): BenchRow {
  const measured = rows.filter((r) => r.status === 'measured');
  if (measured.length === 0) return rows[rows.length - 1];
  const top = measured.reduce((x, y) => ((y.recordsPerSec ?? 0) > (x.recordsPerSec ?? 0) ? y : x));
  if (rounds === 1) return top;
  const all = measured.map((r) => fmtRps(r.recordsPerSec ?? 0)).join(', ');
  return { ...top, note: [top.note, `best of ${rounds} rounds (${all})`].filter(Boolean).join('; ') };
}

function fmtRps(r: number): string {
  return r >= 1_000_000 ? `${(r / 1_000_000).toFixed(2)}M` : `${(r / 1000).toFixed(0)}k`;
}

async function embeddedRows(ctx: SuiteContext, workload: Workload, n: number, rounds: number): Promise<BenchRow[]> {
  const expected = workload.expectedKept(n);
  const aBase = { id: 'a', label: 'embedded: StreamsApp filter+mapValues (JSON)', records: n };
  const refBase = { id: 'a-ref', label: 'embedded: Broker-interface pass-through', records: n };
  const broker = new EmbeddedBroker();
  await broker.connect();
  const prefix = `${ctx.runId}-p1-emb`;
  const input = `${prefix}-in`;
  const waitForOutput = (output: string, target: number, startedAt: number, check: () => void) =>
    waitForCount({ count: () => sumEndOffsets(broker, output), target, startedAt, intervalMs: 5, timeoutMs: EMBEDDED_ROW_TIMEOUT_MS, check });

  const measureRef = async (round: number): Promise<BenchRow> => {
    const output = `${prefix}-ref-out-${round}`;
    try {
      await broker.createTopics([{ name: output, partitions: PARTITIONS }]);
      const startedAt = now();
      const pipe = await startBrokerPassThrough(broker, {
        input,
        output,
        groupId: `${prefix}-ref-${round}`,
        maxBatchRecords: MAX_BATCH_RECORDS,
      });
      try {
        const result = await waitForOutput(output, n, startedAt, pipeCheck(pipe));
        return rowFrom(refBase, result, n, output);
      } finally {
        await pipe.close();
      }
    } catch (err) {
      return failedRow(refBase, err);
    } finally {
      await broker.deleteTopics([output]);
    }
  };

  const measureApp = async (round: number): Promise<BenchRow> => {
    const output = `${prefix}-app-out-${round}`;
    try {
      await broker.createTopics([{ name: output, partitions: PARTITIONS }]);
      const app = new StreamsApp(p1Topology(input, output), { applicationId: `${prefix}-app-${round}` }, { broker });
      try {
        const startedAt = now();
        await app.start();
        const result = await waitForOutput(output, expected, startedAt, appCheck(app));
        return rowFrom(aBase, result, expected, output);
      } finally {
        await app.close();
      }
    } catch (err) {
      return failedRow(aBase, err);
    } finally {
      await broker.deleteTopics([output]);
    }
  };

  try {
    await broker.createTopics([{ name: input, partitions: PARTITIONS }]);
    ctx.log(`embedded: producing ${n.toLocaleString('en-US')} records`);
    await produceEmbedded(broker, input, workload, n);

    // Interleaved rounds, so that load from outside this process hits every row alike.
    const runs: Record<'json' | 'ref' | 'app', BenchRow[]> = { json: [], ref: [], app: [] };
    for (let round = 1; round <= rounds; round++) {
      ctx.log(`embedded round ${round}/${rounds}: a-json`);
      runs.json.push(jsonWorkFloor(workload, n));
      settleHeap();
      ctx.log(`embedded round ${round}/${rounds}: a-ref`);
      runs.ref.push(await measureRef(round));
      settleHeap();
      ctx.log(`embedded round ${round}/${rounds}: a`);
      runs.app.push(await measureApp(round));
      settleHeap();
    }
    const aJson = best(runs.json, rounds);
    const aRef = best(runs.ref, rounds);
    const a = best(runs.app, rounds);
    a.ratios = [ratioOf(a, aRef), ratioOf(a, aJson)].filter((r) => r !== undefined);
    a.target = {
      text: '≥ 1M rec/s',
      met: a.status === 'measured' ? (a.recordsPerSec ?? 0) >= EMBEDDED_TARGET_RPS : undefined,
    };
    return [a, aRef, aJson];
  } finally {
    await broker.deleteTopics((await broker.listTopics()).filter((t) => t.startsWith(prefix))).catch(() => undefined);
    await broker.close();
  }
}

const KAFKA_ROWS = ['c', 'c-pipe', 'c-json', 'b'];

/** The order the Kafka rows run in: BENCH_P1_KAFKA_ORDER (comma-separated ids), by default references first. */
function kafkaOrder(): string[] {
  const raw = process.env.BENCH_P1_KAFKA_ORDER;
  if (!raw) return KAFKA_ROWS;
  const order = raw.split(',').map((id) => id.trim());
  if (order.length !== KAFKA_ROWS.length || KAFKA_ROWS.some((id) => !order.includes(id))) {
    throw new Error(`BENCH_P1_KAFKA_ORDER must list ${KAFKA_ROWS.join(', ')} once each, got '${raw}'`);
  }
  return order;
}

interface KafkaRowSpec {
  base: RowBase;
  /** Output records to wait for. */
  expected: number;
  /** Undefined for the engine row. */
  pipe?: { mode: 'awaited' | 'pipelined'; mapValue?: (value: Buffer | null) => Buffer | undefined };
}

async function kafkaRows(ctx: SuiteContext, workload: Workload, n: number, rounds: number): Promise<BenchRow[]> {
  const expected = workload.expectedKept(n);
  const brokers = kafkaBrokers();
  const specs: KafkaRowSpec[] = [
    { base: { id: 'b', label: 'Kafka: StreamsApp filter+mapValues (JSON)', records: n }, expected },
    {
      base: { id: 'c', label: 'Kafka: raw kafkajs pass-through, send awaited per batch', records: n },
      expected: n,
      pipe: { mode: 'awaited' },
    },
    {
      base: { id: 'c-pipe', label: 'Kafka: raw kafkajs pass-through, sends pipelined', records: n },
      expected: n,
      pipe: { mode: 'pipelined' },
    },
    {
      base: { id: 'c-json', label: 'Kafka: hand-written kafkajs filter+map (JSON), pipelined', records: n },
      expected,
      pipe: { mode: 'pipelined', mapValue: handWrittenP1 },
    },
  ];
  const skipped = await kafkaSkipReason(brokers);
  if (skipped) return specs.map((spec) => notMeasured(spec.base, skipped));

  const prefix = `${ctx.runId}-p1-kafka`;
  const input = `${prefix}-in`;
  // One output topic and one group (or application id) per row and round.
  const nameOf = (id: string, round: number) => `${prefix}-${id}-r${round}`;
  const groups = specs.flatMap((spec) => Array.from({ length: rounds }, (_, r) => nameOf(spec.base.id, r + 1)));
  const order = kafkaOrder();
  return withBenchKafka(brokers, prefix, groups, (m) => ctx.log(m), async (kafka, admin) => {
    const measure = async (spec: KafkaRowSpec, round: number): Promise<BenchRow> => {
      const name = nameOf(spec.base.id, round);
      const output = `${name}-out`;
      const wait = (startedAt: number, check: () => void) =>
        waitForCount({ count: () => endOffsetSum(admin, output), target: spec.expected, startedAt, intervalMs: 100, timeoutMs: KAFKA_ROW_TIMEOUT_MS, check });
      try {
        await createTopics(admin, [output], PARTITIONS);
        if (spec.pipe) {
          const startedAt = now();
          const pipe = await startKafkajsPassThrough(kafka, { input, output, groupId: name, ...spec.pipe });
          const closed = onInterrupt(() => pipe.close());
          try {
            const result = await wait(startedAt, pipeCheck(pipe));
            return rowFrom(spec.base, result, spec.expected, output);
          } finally {
            await pipe.close();
            closed();
          }
        }
        const app = new StreamsApp(p1Topology(input, output), { applicationId: name, brokers });
        const closed = onInterrupt(() => app.close());
        try {
          const startedAt = now();
          await app.start();
          const result = await wait(startedAt, appCheck(app));
          return rowFrom(spec.base, result, spec.expected, output);
        } finally {
          await app.close();
          closed();
        }
      } catch (err) {
        return failedRow(spec.base, err);
      }
    };

    await createTopics(admin, [input], PARTITIONS);
    ctx.log(`kafka: producing ${n.toLocaleString('en-US')} records to ${brokers.join(',')}`);
    await produceWorkload(kafka, input, workload, n);

    // Odd rounds run in `order`, even rounds in reverse: the first row after pre-producing runs
    // measurably slower (broker and JIT warming up), and no row should always be the one that pays.
    const runs = new Map<string, BenchRow[]>(specs.map((spec) => [spec.base.id, []]));
    for (let round = 1; round <= rounds; round++) {
      const ids = round % 2 === 1 ? order : [...order].reverse();
      for (const id of ids) {
        const spec = specs.find((s) => s.base.id === id)!;
        ctx.log(`kafka round ${round}/${rounds}: ${id} (${spec.base.label})`);
        runs.get(id)!.push(await measure(spec, round));
        settleHeap();
      }
    }
    const [b, c, cPipe, cJson] = specs.map((spec) => best(runs.get(spec.base.id)!, rounds));
    const bc = ratioOf(b, c);
    b.ratios = [bc, ratioOf(b, cPipe), ratioOf(b, cJson)].filter((r) => r !== undefined);
    b.target = { text: `b/c ≥ ${KAFKA_TARGET_RATIO}`, met: bc ? bc.value >= KAFKA_TARGET_RATIO : undefined };
    return [b, c, cPipe, cJson];
  });
}

export const suite: Suite = {
  id: 'p1',
  title: 'stateless JSON filter + mapValues',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const embeddedN = envCount('BENCH_P1_EMBEDDED_N', ctx.quick ? 100_000 : 1_000_000);
    const kafkaN = envCount('BENCH_P1_KAFKA_N', ctx.quick ? 50_000 : 400_000);
    const rounds = envCount('BENCH_P1_EMBEDDED_ROUNDS', ctx.quick ? 1 : 2);
    const kafkaRounds = envCount('BENCH_P1_KAFKA_ROUNDS', ctx.quick ? 1 : 2);
    ctx.log(`generating ${Math.max(embeddedN, kafkaN).toLocaleString('en-US')} readings`);
    const workload = generateWorkload({ records: Math.max(embeddedN, kafkaN), partitions: PARTITIONS, sensors: SENSORS });

    settleHeap();
    const embedded = await embeddedRows(ctx, workload, embeddedN, rounds);
    settleHeap();
    const kafka = await kafkaRows(ctx, workload, kafkaN, kafkaRounds);

    const keptShare = (n: number) => `${((workload.expectedKept(n) / n) * 100).toFixed(1)} %`;
    return {
      suite: 'p1',
      title: this.title,
      rows: [...embedded, ...kafka],
      facts: [
        `workload: JSON readings of ${workload.avgValueBytes.toFixed(0)} bytes avg, keyed by sensor id (${SENSORS.toLocaleString('en-US')} sensors, murmur2), ${PARTITIONS} partitions in and out; filter keeps ${keptShare(embeddedN)} (embedded N) / ${keptShare(kafkaN)} (Kafka N)`,
        'records/s = input records / wall time; wall time runs from starting the app (or pipe) — group join included — until the output end offsets sum to the expected count',
        `Kafka rows: ${kafkaBrokers().join(',')}; order of rows in a run: (a-json, a-ref, a) × rounds, then Kafka rows in rounds: ${kafkaOrder().join(', ')}, then reversed`,
      ],
    };
  },
};
