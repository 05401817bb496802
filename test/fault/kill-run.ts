/**
 * The SIGKILL scenario shared by the exactly-once and at-least-once tests: two instances of the
 * windowed-count app (its Processor API implementation: one output per reading, carrying the
 * reading's id; worker processes with their own instance ids and state directories) consume
 * readings produced over time; one instance at a time is SIGKILLed at a random point and restarted
 * at once with the same instance id and state directory. When every reading is produced, consumed
 * and committed, both instances are stopped gracefully and the output is returned for the caller's
 * checks.
 */
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import type { ProcessingGuarantee } from '../../src/runtime/config.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import {
  Instance,
  makeReadings,
  produceReadings,
  prng,
  readOutput,
  sleep,
  tempDir,
  waitUntilConsumed,
  type OutputAnalysis,
  type Reading,
} from './fault-helpers.js';

export interface KillRunOptions {
  guarantee: ProcessingGuarantee;
  records: number;
  kills: number;
  /** Readings are produced over about this long, so the kills land while input flows. */
  produceOverMs: number;
  partitions?: number;
  sensors?: number;
  windows?: number;
  commitIntervalMs?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface KillRecord {
  victim: string;
  /** ms the killed process had been running since it reported `started`. */
  afterStartMs: number;
  /** Records the killed process had processed (since its own start). */
  processed: number;
  /** Whether its processed count grew during the last ~second before the kill. */
  busy: boolean;
}

export interface KillRunResult {
  seed: number;
  readings: Reading[];
  analysis: OutputAnalysis;
  kills: KillRecord[];
  restored: number[];
  durationMs: number;
  drainMs: number;
}

export async function killRun(options: KillRunOptions): Promise<KillRunResult> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? Date.now() % 1_000_000;
  const random = prng(seed);
  const started = Date.now();
  const brokers = kafkaBrokers();
  const broker = new KafkaBroker({ brokers });
  await broker.connect();
  const applicationId = uniqueName('fault-app');
  const input = uniqueName('fault-in');
  const output = uniqueName('fault-out');
  const partitions = options.partitions ?? 4;
  const instances: Instance[] = [];
  const dirs = [await tempDir('tributary-fault-'), await tempDir('tributary-fault-')];
  try {
    await broker.createTopics([
      { name: input, partitions },
      { name: output, partitions },
    ]);
    const readings = makeReadings(options.records, options.sensors ?? 200, options.windows ?? 5, random);
    for (const [i, name] of ['a', 'b'].entries()) {
      instances.push(
        new Instance(name, {
          applicationId,
          instanceId: name,
          stateDir: dirs[i].path,
          guarantee: options.guarantee,
          brokers,
          input,
          output,
          impl: 'papi',
          commitIntervalMs: options.commitIntervalMs,
          sessionTimeoutMs: 6_000,
        }),
      );
    }
    for (const instance of instances) await instance.proc.waitFor((e) => e.ev === 'started', 60_000, 'start');
    log(`seed ${seed}: ${options.records} readings into ${partitions} partitions over ~${options.produceOverMs} ms, ${options.kills} kills`);

    const chunk = 1_000;
    const intervalMs = Math.max(0, Math.floor(options.produceOverMs / Math.ceil(options.records / chunk)));
    let produced = 0;
    let productionDone = false;
    const production = produceReadings(broker, input, readings, { chunk, intervalMs, onChunk: (n) => (produced = n) }).finally(
      () => (productionDone = true),
    );

    const kills: KillRecord[] = [];
    const restored: number[] = [];
    for (let k = 0; k < options.kills; k++) {
      const victim = instances[random() < 0.5 ? 0 : 1];
      const other = instances.find((i) => i !== victim)!;
      const startedEvent = await victim.proc.waitFor((e) => e.ev === 'started', 60_000, 'start');
      // A random point within the next 0.3 to 3 s of its run.
      await sleep(300 + Math.floor(random() * 2_700));
      victim.assertAlive();
      other.assertAlive();
      const before = victim.processed;
      await sleep(Math.floor(random() * 800) + 200);
      const processed = victim.processed;
      const record = { victim: victim.proc.label, afterStartMs: Date.now() - startedEvent.t, processed, busy: processed > before };
      await victim.proc.kill();
      kills.push(record);
      log(`kill ${k + 1}: ${record.victim} after ${record.afterStartMs} ms, processed ${processed} (busy: ${record.busy}); produced ${produced}`);
      victim.restart();
      if (productionDone && k < options.kills - 1) log('note: all input was produced before this kill');
    }
    await production;
    for (const instance of instances) {
      await instance.proc.waitFor((e) => e.ev === 'started', 60_000, 'start after the last kill');
    }
    const drainMs = await waitUntilConsumed(broker, applicationId, input, 120_000, () => instances.forEach((i) => i.assertAlive()));
    for (const instance of instances) {
      const restoredNow = (instance.proc.last('progress')?.restored as number | undefined) ?? 0;
      if (instance.starts > 1) restored.push(restoredNow);
    }
    for (const instance of instances) await instance.proc.stop();
    const analysis = await readOutput(broker, output);
    return { seed, readings, analysis, kills, restored, durationMs: Date.now() - started, drainMs };
  } finally {
    await Promise.all(instances.map((i) => i.proc.dispose()));
    const mine = (await broker.listTopics()).filter((t) => t === input || t === output || t.startsWith(`${applicationId}-`));
    await broker.deleteTopics(mine).catch(() => undefined);
    await broker.close();
    for (const dir of dirs) await dir.remove();
  }
}
