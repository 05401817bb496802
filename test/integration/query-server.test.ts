/**
 * Interactive queries over HTTP on real Kafka: two instances, each with its own query endpoint;
 * asking either one for any key answers from the instance that holds it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { Serdes } from '../../src/serde/index.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import { produce, waitForRecords } from '../helpers/topics.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('interactive queries over HTTP', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('any instance answers for any key, forwarding to the instance that holds it', async () => {
    const broker = new KafkaBroker({ brokers: kafkaBrokers() });
    await broker.connect();
    cleanups.push(() => broker.close());
    const input = uniqueName('iq-in');
    const output = uniqueName('iq-out');
    const applicationId = uniqueName('iq-app');
    await broker.createTopics([
      { name: input, partitions: 4 },
      { name: output, partitions: 4 },
    ]);
    const instances: Array<{ app: StreamsApp; port: number }> = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const stateDir = await mkdtemp(join(tmpdir(), 'tributary-iq-'));
      cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
      const builder = new StreamsBuilder();
      builder
        .stream(input, { key: Serdes.string(), value: Serdes.string() })
        .groupByKey()
        .count(Materialized.as('counts'))
        .toStream()
        .to(output);
      const app = new StreamsApp(
        builder.build(),
        { applicationId, brokers: kafkaBrokers(), stateDir, applicationServer: `127.0.0.1:${port}`, commitIntervalMs: 100 },
        { broker },
      );
      cleanups.push(() => app.close());
      instances.push({ app, port });
    }
    await Promise.all(instances.map(({ app }) => app.start()));
    await Promise.all(instances.map(({ app, port }) => app.serveQueries({ port })));
    await produce(broker, input, Array.from({ length: 40 }, (_, i) => ({ key: `sensor-${i % 8}`, value: 'x' })));
    await waitForRecords(broker, output, 8);
    // Both instances hold part of the keys.
    const localCounts = instances.map(({ app }) => app.keyValueStore('counts').approximateNumEntries());
    for (let i = 0; i < 50 && localCounts.reduce((a, b) => a + b, 0) < 8; i++) {
      await new Promise((r) => setTimeout(r, 100));
      instances.forEach(({ app }, j) => (localCounts[j] = app.keyValueStore('counts').approximateNumEntries()));
    }
    expect(localCounts.every((n) => n > 0)).toBe(true);

    for (const { port } of instances) {
      for (let k = 0; k < 8; k++) {
        const res = await fetch(`http://127.0.0.1:${port}/stores/counts/keys/sensor-${k}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { value: number; host: string };
        expect(body.value).toBe(5);
        const owner = instances.find(({ app }) => app.metadataForKey('counts', `sensor-${k}`, Serdes.string()).local)!;
        expect(body.host).toBe(`127.0.0.1:${owner.port}`);
      }
    }
    const missing = await fetch(`http://127.0.0.1:${instances[0].port}/stores/counts/keys/nobody`);
    expect([404]).toContain(missing.status);
  });
});
