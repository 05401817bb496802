/**
 * Scaling under load, exactly-once: the windowed count (the DSL's `windowedBy(...).count()`, with
 * its default record cache) starts as one instance (a worker process);
 * while readings flow in, two more instances join (1 → 3), process for a while, then are stopped
 * gracefully (3 → 1). Partitions move twice each way, with their state restored from changelogs.
 * The output, read with read_committed, must equal the reference: per (sensor, window), the
 * emitted counts strictly increase (no duplicate, nothing going backwards) and the latest equals
 * the reference computed here from the input. (A cache emits a window's count once per commit, so
 * the counts in between may be skipped; the SIGKILL tests check every single count.)
 */
import { describe, expect, it } from 'vitest';
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import {
  Instance,
  makeReadings,
  monotonicViolations,
  produceReadings,
  prng,
  readOutput,
  reference,
  sleep,
  tempDir,
  waitUntilConsumed,
} from './fault-helpers.js';

const RECORDS = 40_000;

describe('scale 1 → 3 → 1 instances under load (exactly-once, worker processes)', () => {
  it('output equals the reference exactly', async () => {
    const brokers = kafkaBrokers();
    const seed = Date.now() % 1_000_000;
    const readings = makeReadings(RECORDS, 150, 4, prng(seed));
    const applicationId = uniqueName('fault-scale');
    const input = uniqueName('fault-in');
    const output = uniqueName('fault-out');
    const broker = new KafkaBroker({ brokers });
    await broker.connect();
    const dirs = await Promise.all([0, 1, 2].map(() => tempDir('tributary-fault-')));
    const instances: Instance[] = [];
    const timeline: string[] = [];
    const started = Date.now();
    const mark = (what: string) => timeline.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);
    try {
      await broker.createTopics([
        { name: input, partitions: 6 },
        { name: output, partitions: 6 },
      ]);
      const instance = (i: number, name: string) =>
        new Instance(name, {
          applicationId,
          instanceId: name,
          stateDir: dirs[i].path,
          guarantee: 'exactly_once_v2',
          impl: 'dsl',
          brokers,
          input,
          output,
          sessionTimeoutMs: 6_000,
        });
      const a = instance(0, 'a');
      instances.push(a);
      await a.proc.waitFor((e) => e.ev === 'started', 60_000, 'start');
      mark('a started');
      // ~15 s of input at ~2,700 readings/s.
      let produced = 0;
      const production = produceReadings(broker, input, readings, { chunk: 800, intervalMs: 300, onChunk: (n) => (produced = n) });
      while (a.processed < 4_000) {
        a.assertAlive();
        await sleep(50);
      }
      mark(`scaling out at ${produced} produced, ${a.processed} processed by a`);
      const added = [instance(1, 'b'), instance(2, 'c')];
      instances.push(...added);
      for (const inst of added) await inst.proc.waitFor((e) => e.ev === 'started', 60_000, 'start');
      // Each newcomer must actually process (own partitions) before the scale-in.
      for (const inst of added) await inst.proc.waitFor((e) => e.ev === 'progress' && (e.processed as number) > 0, 30_000, 'processing');
      mark(`3 instances processing at ${produced} produced`);
      await sleep(4_000);
      mark(`scaling in at ${produced} produced; processed a/b/c ${instances.map((i) => i.processed).join('/')}`);
      for (const inst of added) await inst.proc.stop();
      mark('b and c closed');
      await production;
      mark('all produced');
      const drainMs = await waitUntilConsumed(broker, applicationId, input, 120_000, () => a.assertAlive());
      mark(`all consumed (drain wait ${drainMs} ms)`);
      await a.proc.stop();
      const analysis = await readOutput(broker, output);
      const expected = reference(readings);
      const violations = monotonicViolations(expected, analysis);
      const restored = instances.map((i) => `${i.name}:${(i.proc.last('closed') ?? i.proc.last('progress'))?.restored ?? '?'}`);
      console.log(
        `[scale] seed ${seed}: ${analysis.records} output records for ${RECORDS} readings, ${expected.size} (sensor, window) pairs; ` +
          `violations ${violations.length}; restored ${restored.join(' ')}\n  ` +
          timeline.join('\n  '),
      );
      expect(violations.slice(0, 10), `${violations.length} (sensor, window) count sequences not increasing up to the reference`).toEqual([]);
      expect(analysis.records).toBeLessThanOrEqual(RECORDS);
    } finally {
      await Promise.all(instances.map((i) => i.proc.dispose()));
      const mine = (await broker.listTopics()).filter((t) => t === input || t === output || t.startsWith(`${applicationId}-`));
      await broker.deleteTopics(mine).catch(() => undefined);
      await broker.close();
      for (const dir of dirs) await dir.remove();
    }
  }, 180_000);
});
