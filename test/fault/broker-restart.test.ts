/**
 * Broker restart mid-run: two instances of the windowed count (worker processes, at-least-once)
 * are processing when the Kafka broker is stopped and started again through the services script
 * (`services.sh down kafka`, then `up kafka`, keeping its data). Without any manual action the
 * instances must carry on: every reading, produced before and after the outage, reaches the output
 * (nothing lost; at-least-once may duplicate, the count is printed), and no instance exits.
 *
 * It restarts the broker every integration test shares: run it alone (see test/fault/vitest.config.ts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import {
  duplicateOutputs,
  Instance,
  lostInputs,
  makeReadings,
  produceReadings,
  prng,
  readOutput,
  reference,
  sleep,
  tempDir,
  waitUntilConsumed,
} from './fault-helpers.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/services/services.sh', import.meta.url));
const services = async (...args: string[]) => (await run('bash', [script, ...args], { timeout: 180_000 })).stdout;

const BEFORE = 60_000;
const AFTER = 10_000;

describe('broker restart mid-run (real Kafka restarted by the services script)', () => {
  it('instances recover by themselves; nothing produced before or after the outage is lost', async () => {
    const brokers = kafkaBrokers();
    const port = process.env.KAFKA_PORT ?? '9092';
    if (brokers.join(',') !== `127.0.0.1:${port}` || !(await services('status')).includes('kafka running')) {
      throw new Error(`this test restarts the broker through services.sh, which does not run the broker the tests use (${brokers.join(',')})`);
    }
    const seed = Date.now() % 1_000_000;
    const readings = makeReadings(BEFORE + AFTER, 100, 3, prng(seed));
    const applicationId = uniqueName('fault-restart');
    const input = uniqueName('fault-in');
    const output = uniqueName('fault-out');
    const broker = new KafkaBroker({ brokers });
    await broker.connect();
    const dirs = [await tempDir('tributary-fault-'), await tempDir('tributary-fault-')];
    const instances: Instance[] = [];
    let brokerDown = false;
    try {
      await broker.createTopics([
        { name: input, partitions: 4 },
        { name: output, partitions: 4 },
      ]);
      for (const [i, name] of ['a', 'b'].entries()) {
        instances.push(
          new Instance(name, {
            applicationId,
            instanceId: name,
            stateDir: dirs[i].path,
            guarantee: 'at_least_once',
            impl: 'papi',
            brokers,
            input,
            output,
            sessionTimeoutMs: 6_000,
          }),
        );
      }
      for (const instance of instances) await instance.proc.waitFor((e) => e.ev === 'started', 60_000, 'start');
      // The first part goes in at once; the broker goes down while it is being processed.
      await produceReadings(broker, input, readings.slice(0, BEFORE));
      const processedBefore = () => instances.reduce((sum, i) => sum + i.processed, 0);
      while (processedBefore() < BEFORE / 6) {
        for (const instance of instances) instance.assertAlive();
        await sleep(20);
      }
      await broker.close();

      const processedAtDown = processedBefore();
      const downAt = Date.now();
      brokerDown = true;
      await services('down', 'kafka');
      const stoppedMs = Date.now() - downAt;
      await sleep(2_000); // stays down a moment: clients see refused connections, not just a reset
      await services('up', 'kafka');
      brokerDown = false;
      const upAt = Date.now();
      const processedAtUp = processedBefore();
      for (const instance of instances) {
        const exit = instance.proc.exitStatus;
        if (exit) {
          throw instance.proc.failure(
            `exited (code ${exit.code}) during the ${upAt - downAt} ms broker outage (processed ${processedAtDown} of ${BEFORE} when the broker was told to stop): ` +
              JSON.stringify(instance.proc.events.filter((e) => e.ev === "failed")),
          );
        }
      }

      const after = new KafkaBroker({ brokers });
      await after.connect();
      try {
        await produceReadings(after, input, readings.slice(BEFORE), { chunk: 1_000, intervalMs: 100 });
        const drainMs = await waitUntilConsumed(after, applicationId, input, 120_000, () => instances.forEach((i) => i.assertAlive()));
        const recoveredMs = Date.now() - upAt;
        for (const instance of instances) await instance.proc.stop();
        const analysis = await readOutput(after, output);
        const expected = reference(readings);
        const lost = lostInputs(readings, analysis);
        const short = [...expected].filter(([key, want]) => (analysis.sequences.get(key)?.at(-1) ?? 0) < want);
        const failedEvents = instances.flatMap((i) => i.proc.events.filter((e) => e.ev === 'failed'));
        console.log(
          `[broker-restart] seed ${seed}: ${readings.length} readings (${BEFORE} before the outage, ${AFTER} after); ` +
            `processed ${processedAtDown} when the broker was told to stop, ${processedAtUp} when it was back; stop took ${stoppedMs} ms, down+start ${upAt - downAt - stoppedMs} ms; ` +
            `all consumed ${recoveredMs} ms after the broker was back (drain wait ${drainMs} ms); ` +
            `output ${analysis.records} records, lost ${lost.length}, duplicates ${duplicateOutputs(analysis)}`,
        );
        expect(failedEvents).toEqual([]);
        expect(lost.slice(0, 10), `${lost.length} readings produced no output`).toEqual([]);
        expect(short.slice(0, 10), `${short.length} (sensor, window) counts below the reference`).toEqual([]);
      } finally {
        const mine = (await after.listTopics()).filter((t) => t === input || t === output || t.startsWith(`${applicationId}-`));
        await after.deleteTopics(mine).catch(() => undefined);
        await after.close();
      }
    } finally {
      await Promise.all(instances.map((i) => i.proc.dispose()));
      if (brokerDown) await services('up', 'kafka');
      await broker.close().catch(() => undefined);
      for (const dir of dirs) await dir.remove();
    }
  }, 240_000);
});
