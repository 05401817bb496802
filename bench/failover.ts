/**
 * Failover benchmark: how long after an instance is SIGKILLed does output resume for the
 * partitions it owned, now processed by the survivor? With and without a standby replica.
 *
 *   node --import tsx bench/failover.ts           (KAFKA_BROKERS, default 127.0.0.1:9092)
 *
 * Setup per run: the windowed count of test/fault (1-minute windows per sensor; its Processor API
 * implementation, persistent logged store, one output per reading carrying the reading's id) as two worker processes (test/fault/worker.ts) over a 4-partition input, after a
 * preload of BENCH_FAILOVER_PRELOAD readings (state the survivor must restore when it takes over).
 * Then readings flow at ~1,000/s, each stamped with its send time; a tail consumer on the output
 * notes when each reading's output arrives. One instance is SIGKILLed at T. For each input
 * partition, "resume" is the arrival of the first output of a reading sent after T; the failover
 * time is the slowest partition's resume - T (the victim's partitions: a SIGKILLed member is only
 * noticed after the group session timeout, then its tasks are restored on the survivor), "fastest"
 * the quickest partition's (the survivor's own, which keep flowing until the rebalance).
 *
 * Env: BENCH_FAILOVER_PRELOAD (100000), BENCH_FAILOVER_RUNS (3 per row), BENCH_FAILOVER_SESSIONS
 * (session timeouts in ms, comma-separated; default "6000,30000": the broker's minimum, as the
 * fault tests use, and the runtime's default), BENCH_FAILOVER_GUARANTEE (at_least_once).
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Broker, ProducerRecord } from '../src/broker/types.js';
import type { ProcessingGuarantee } from '../src/runtime/config.js';
import type { Instance as InstanceType } from '../test/fault/fault-helpers.js';

// The engine's logger reads these when it is first imported, hence the dynamic imports after them.
process.env.TRIBUTARY_LOG_LEVEL ??= 'error';
process.env.TRIBUTARY_LOG_FORMAT ??= 'json';
const { partitionForKey } = await import('../src/broker/partitioner.js');
const { KafkaBroker } = await import('../src/broker/kafka/index.js');
const { resolveConfig } = await import('../src/runtime/config.js');
const { Instance, makeReadings, prng, produceReadings, RID_HEADER, sleep, tempDir, waitUntilConsumed } = await import('../test/fault/fault-helpers.js');

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const PRELOAD = Number(process.env.BENCH_FAILOVER_PRELOAD ?? 100_000);
const RUNS = Number(process.env.BENCH_FAILOVER_RUNS ?? 3);
const SESSIONS = (process.env.BENCH_FAILOVER_SESSIONS ?? '6000,30000').split(',').map(Number);
const GUARANTEE = (process.env.BENCH_FAILOVER_GUARANTEE ?? 'at_least_once') as ProcessingGuarantee;
const PARTITIONS = 4;
const SENT_HEADER = 'sent';

const log = (message: string) => console.error(`[failover] ${message}`);

/** Whether the runtime knows standby replicas (Kafka Streams' num.standby.replicas). */
function standbyKey(): string | undefined {
  try {
    resolveConfig({ applicationId: 'probe', numStandbyReplicas: 1 } as never);
    return 'numStandbyReplicas';
  } catch {
    return undefined;
  }
}

interface RunResult {
  failoverMs: number;
  fastestMs: number;
  restored: number;
}

async function oneRun(broker: Broker, sessionTimeoutMs: number, standby: boolean, runIndex: number): Promise<RunResult> {
  const id = `bench-failover-${randomBytes(4).toString('hex')}`;
  const input = `${id}-in`;
  const output = `${id}-out`;
  const applicationId = `${id}-app`;
  const dirs = [await tempDir('tributary-bench-'), await tempDir('tributary-bench-')];
  const instances: InstanceType[] = [];
  let producing = true;
  // The measuring instrument is plain kafkajs, independent of the adapter under test.
  const tail = new Kafka({ clientId: `${id}-tail`, brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `${id}-tail`, readUncommitted: false, maxWaitTimeInMs: 100 });
  try {
    await broker.createTopics([
      { name: input, partitions: PARTITIONS },
      { name: output, partitions: PARTITIONS },
    ]);
    log(`run ${runIndex + 1}: topics created`);
    const random = prng(1234 + runIndex);
    await produceReadings(broker, input, makeReadings(PRELOAD, 2_000, 10, random), { chunk: 10_000 });
    for (const [i, name] of ['a', 'b'].entries()) {
      instances.push(
        new Instance(name, {
          applicationId,
          instanceId: name,
          stateDir: dirs[i].path,
          guarantee: GUARANTEE,
          impl: 'papi',
          brokers,
          input,
          output,
          sessionTimeoutMs,
          commitIntervalMs: GUARANTEE === 'exactly_once_v2' ? 100 : 1_000,
          maxBatchRecords: 10_000,
          extraConfig: standby ? { [standbyKey()!]: 1 } : undefined,
        }),
      );
    }
    for (const instance of instances) await instance.proc.waitFor((e) => e.ev === 'started', 120_000, 'start');
    log(`run ${runIndex + 1}: preload produced, instances started`);
    await waitUntilConsumed(broker, applicationId, input, 300_000, () => instances.forEach((i) => i.assertAlive()));
    log(`run ${runIndex + 1}: preload of ${PRELOAD} processed`);

    // Tail: arrival time of each reading's output, by reading id.
    const arrivals = new Map<number, number>();
    await tail.connect();
    await tail.subscribe({ topic: output, fromBeginning: false });
    const joined = new Promise<void>((resolve) => tail.on(tail.events.GROUP_JOIN, () => resolve()));
    await tail.run({
      eachBatch: async ({ batch }) => {
        const at = Date.now();
        for (const m of batch.messages) {
          const rid = Number(m.headers?.[RID_HEADER]?.toString());
          if (!arrivals.has(rid)) arrivals.set(rid, at);
        }
      },
    });
    await joined;

    // Steady input: 100 readings every 100 ms, stamped with their send time.
    const sentAt = new Map<number, { partition: number; sent: number }>();
    const producer = broker.producer();
    await producer.connect();
    let nextId = PRELOAD;
    const steady = (async () => {
      while (producing) {
        const sent = Date.now();
        const batch: ProducerRecord[] = [];
        for (let i = 0; i < 100; i++, nextId++) {
          const key = Buffer.from(`sensor-${Math.floor(random() * 2_000)}`);
          const partition = partitionForKey(key, PARTITIONS);
          sentAt.set(nextId, { partition, sent });
          batch.push({
            topic: input,
            partition,
            key,
            value: Buffer.from('20.5'),
            timestamp: sent - 10 * 60_000,
            headers: { [RID_HEADER]: Buffer.from(String(nextId)), [SENT_HEADER]: Buffer.from(String(sent)) },
          });
        }
        await producer.send(batch);
        await sleep(Math.max(0, 100 - (Date.now() - sent)));
      }
    })();
    await sleep(4_000);

    const victim = instances[runIndex % 2];
    const survivor = instances[(runIndex + 1) % 2];
    const restoredBefore = (survivor.proc.last('progress')?.restored as number | undefined) ?? 0;
    const killedAt = Date.now();
    await victim.proc.kill();
    const resume = new Map<number, number>();
    const deadline = killedAt + sessionTimeoutMs + 120_000;
    while (resume.size < PARTITIONS) {
      survivor.assertAlive();
      if (Date.now() > deadline) {
        throw new Error(
          `output resumed for ${resume.size} of ${PARTITIONS} partitions only (tail saw ${arrivals.size} outputs; survivor processed ${survivor.processed}, state ${survivor.proc.last('state')?.state})`,
        );
      }
      for (const [rid, at] of arrivals) {
        const origin = sentAt.get(rid);
        if (!origin || origin.sent < killedAt) continue;
        const known = resume.get(origin.partition);
        if (known === undefined || at < known) resume.set(origin.partition, at);
      }
      await sleep(100);
    }
    producing = false;
    await steady;
    await producer.close();
    const times = [...resume.values()].map((t) => t - killedAt);
    const restored = ((survivor.proc.last('progress')?.restored as number | undefined) ?? 0) - restoredBefore;
    return { failoverMs: Math.max(...times), fastestMs: Math.min(...times), restored };
  } finally {
    producing = false;
    await tail.disconnect().catch(() => undefined);
    await Promise.all(instances.map((i) => i.proc.dispose()));
    const mine = (await broker.listTopics()).filter((t) => t.startsWith(id));
    await broker.deleteTopics(mine).catch(() => undefined);
    for (const dir of dirs) await dir.remove();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const broker = new KafkaBroker({ brokers });
  await broker.connect();
  const rows: string[] = [];
  const standby = standbyKey();
  try {
    for (const sessionTimeoutMs of SESSIONS) {
      for (const withStandby of [false, true]) {
        const label = `${GUARANTEE}, session ${sessionTimeoutMs} ms, ${withStandby ? '1 standby' : 'no standby'}`;
        if (withStandby && !standby) {
          rows.push(`| ${label} | NOT MEASURED: the runtime has no standby replicas (StreamsConfig rejects numStandbyReplicas) | | | |`);
          continue;
        }
        const results: RunResult[] = [];
        for (let run = 0; run < RUNS; run++) {
          const result = await oneRun(broker, sessionTimeoutMs, withStandby, run);
          log(`${label}, run ${run + 1}: failover ${result.failoverMs} ms, fastest partition ${result.fastestMs} ms, restored ${result.restored}`);
          results.push(result);
        }
        const failovers = results.map((r) => r.failoverMs);
        rows.push(
          `| ${label} | ${median(failovers)} | ${Math.min(...failovers)}–${Math.max(...failovers)} | ` +
            `${median(results.map((r) => r.fastestMs))} | ${median(results.map((r) => r.restored))} |`,
        );
      }
    }
  } finally {
    await broker.close();
  }
  console.log(`\nFailover after SIGKILL (2 instances, ${PARTITIONS} partitions, preload ${PRELOAD} readings, ~1,000 readings/s, ${RUNS} runs per row)\n`);
  console.log('| configuration | failover, median ms | min–max ms | fastest partition, median ms | changelog records restored by the survivor (median) |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
