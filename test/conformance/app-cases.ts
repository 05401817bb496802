/**
 * End-to-end cases for a whole StreamsApp, run on both brokers (embedded and real Kafka): the
 * embedded broker is a product feature and must behave like Kafka for an application.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../src/broker/types.js';
import type { SuiteTarget } from './suite-target.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { Serdes } from '../../src/serde/index.js';
import { produce, readAll, waitForRecords } from '../helpers/topics.js';

interface Reading {
  sensorId: string;
  celsius: number;
  seq: number;
}

interface HotReading {
  sensor: string;
  hot: number;
  seq: number;
}

function hotReadings(builder: StreamsBuilder, input: string, output: string): void {
  builder
    .stream(input, { key: Serdes.string(), value: Serdes.json<Reading>() })
    .filter((_sensor, reading) => reading.celsius > 30)
    .mapValues((reading): HotReading => ({ sensor: reading.sensorId, hot: reading.celsius, seq: reading.seq }))
    .to(output, { key: Serdes.string(), value: Serdes.json<HotReading>() });
}

export function streamsAppSuite(options: SuiteTarget): void {
  describe(`StreamsApp on ${options.name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setup(partitions: number) {
      const broker = await options.makeBroker();
      await broker.connect();
      cleanups.push(() => broker.close());
      const input = options.uniqueName('readings');
      const output = options.uniqueName('hot');
      await broker.createTopics([
        { name: input, partitions },
        { name: output, partitions },
      ]);
      return { broker, input, output, applicationId: options.uniqueName('app') };
    }

    function startApp(broker: Broker, applicationId: string, input: string, output: string): StreamsApp {
      const builder = new StreamsBuilder();
      hotReadings(builder, input, output);
      const app = new StreamsApp(builder.build(), { applicationId, commitIntervalMs: 200, ...options.appConfig() }, { broker });
      cleanups.push(() => app.close());
      return app;
    }

    const readings = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        key: `s-${i % 97}`,
        value: JSON.stringify({ sensorId: `s-${i % 97}`, celsius: i % 2 === 0 ? 35 : 20, seq: i }),
      }));

    const hotSeqs = (n: number) => new Set(Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0));
    const seqsOf = (records: Array<{ value: Buffer | null }>) => records.map((r) => (JSON.parse(r.value!.toString()) as HotReading).seq);

    it('two instances in one group process a 3-partition input of 10k records completely', async () => {
      const { broker, input, output, applicationId } = await setup(3);
      const a = startApp(broker, applicationId, input, output);
      const b = startApp(broker, applicationId, input, output);
      await Promise.all([a.start(), b.start()]);
      await produce(broker, input, readings(10_000));
      await waitForRecords(broker, output, 5_000);
      await Promise.all([a.close(), b.close()]);
      const final = seqsOf(await readAll(broker, output));
      expect(new Set(final)).toEqual(hotSeqs(10_000));
      expect(final.length).toBe(5_000);
      expect(a.processedRecords + b.processedRecords).toBe(10_000);
      expect(a.processedRecords).toBeGreaterThan(0);
      expect(b.processedRecords).toBeGreaterThan(0);
    });

    it('when one instance closes mid-run, the other takes over its partitions and nothing is lost', async () => {
      const { broker, input, output, applicationId } = await setup(3);
      const a = startApp(broker, applicationId, input, output);
      const b = startApp(broker, applicationId, input, output);
      await Promise.all([a.start(), b.start()]);
      const all = readings(6_000);
      await produce(broker, input, all.slice(0, 4_000));
      await waitForRecords(broker, output, 2_000);
      expect(a.processedRecords).toBeGreaterThan(0);
      await a.close();
      await produce(broker, input, all.slice(4_000));
      await waitForRecords(broker, output, 3_000);
      await b.close();
      // At-least-once: every hot reading is there (a handover may replay, never lose).
      const seqs = seqsOf(await readAll(broker, output));
      expect(new Set(seqs)).toEqual(hotSeqs(6_000));
      expect(b.processedRecords).toBeGreaterThan(0);
    });

    it('writes output batches larger than a produce request may carry (sent in slices)', async () => {
      const { broker, input, output, applicationId } = await setup(1);
      const big = 'x'.repeat(100 * 1024);
      await produce(broker, input, Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `${i}:${big}` })));
      const builder = new StreamsBuilder();
      builder
        .stream(input, { key: Serdes.string(), value: Serdes.string() })
        .mapValues((v) => v.toUpperCase())
        .to(output, { value: Serdes.string() });
      // One fetched batch of 3 MB of output: more than Kafka's default 1 MiB per partition per request.
      const app = new StreamsApp(builder.build(), { applicationId, ...options.appConfig() }, { broker });
      cleanups.push(() => app.close());
      await app.start();
      const out = await waitForRecords(broker, output, 30);
      expect(out.map((r) => Number(r.value!.toString().split(':')[0])).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 30 }, (_, i) => i),
      );
      expect(out.every((r) => r.value!.length === big.length + String(r.key!.toString().slice(1)).length + 1)).toBe(true);
      expect(app.state).toBe('RUNNING');
    });

    it('sends malformed JSON to the dead-letter topic with its reason and processes every good record', async () => {
      const { broker, input, output, applicationId } = await setup(2);
      const good = readings(1_000);
      const bad = [
        { key: 's-bad-1', value: '{"sensorId": "s-1", "celsius": ' },
        { key: 's-bad-2', value: 'not json at all' },
      ];
      await produce(broker, input, [...good.slice(0, 500), ...bad, ...good.slice(500)]);
      const app = startApp(broker, applicationId, input, output);
      await app.start();
      const dead = await waitForRecords(broker, `${applicationId}-dlq`, 2);
      expect(app.state).toBe('RUNNING');
      await waitForRecords(broker, output, 500);
      await app.close();
      expect(new Set(seqsOf(await readAll(broker, output)))).toEqual(hotSeqs(1_000));
      expect(dead.map((r) => r.key!.toString()).sort()).toEqual(['s-bad-1', 's-bad-2']);
      for (const record of dead) {
        expect(record.headers['tributary.error.stage']?.toString()).toBe('deserialization');
        expect(record.headers['tributary.error.message']?.toString()).toMatch(new RegExp(input));
        expect(record.headers['tributary.source.topic']?.toString()).toBe(input);
        expect(Number(record.headers['tributary.source.offset']?.toString())).toBeGreaterThanOrEqual(0);
      }
      expect(dead.find((r) => r.key!.toString() === 's-bad-2')!.value!.toString()).toBe('not json at all');
    });
  });
}
