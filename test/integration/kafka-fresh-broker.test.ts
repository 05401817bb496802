/**
 * The Kafka adapter on a brand-new cluster, where everything is a first: `__transaction_state` and
 * `__consumer_offsets` do not exist until a client first asks for a coordinator, their coordinators
 * answer COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR and COORDINATOR_LOAD_IN_PROGRESS for a while
 * after, and a new topic is served by its leader a moment after it shows in the metadata. The
 * shared test broker is past all of that after the first test file, so this file starts a Kafka of
 * its own (the project's services script, on free ports, in a temporary directory) and stops it
 * afterwards. Skipped when KAFKA_BROKERS points the tests at an outside broker: the services
 * script (Java, the Kafka jars) may not be available then.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import type { Consumer, ProducerRecord } from '../../src/broker/types.js';

const script = fileURLToPath(new URL('../../scripts/services/services.sh', import.meta.url));
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function record(topic: string, partition: number, value: string): ProducerRecord {
  return { topic, partition, key: Buffer.from('k'), value: Buffer.from(value), timestamp: Date.now() };
}

describe.skipIf(process.env.KAFKA_BROKERS !== undefined)('KafkaBroker on a brand-new cluster', () => {
  let dir: string | undefined;
  let env: NodeJS.ProcessEnv;
  let broker: KafkaBroker | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-fresh-kafka-'));
    env = {
      ...process.env,
      TRIBUTARY_SERVICES_DIR: dir,
      KAFKA_PORT: String(await freePort()),
      KAFKA_CONTROLLER_PORT: String(await freePort()),
    };
    await run('bash', [script, 'up', 'kafka'], { env });
    broker = new KafkaBroker({ brokers: [`127.0.0.1:${env.KAFKA_PORT}`], logLevel: 'silent' });
  });

  afterAll(async () => {
    try {
      await broker?.close();
      if (dir) await run('bash', [script, 'down', 'kafka'], { env });
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates topics usable at once, and commits offsets in transactions and from consumers on first use', async () => {
    await broker!.createTopics([
      { name: 'input', partitions: 3 },
      { name: 'output', partitions: 3 },
    ]);
    // What `tributary run --brokers` does next: the topics' partition counts, right away.
    expect(await broker!.partitionCount('input')).toBe(3);
    expect(await broker!.partitionCount('output')).toBe(3);
    expect(await broker!.partitionCount('internal-not-created-yet')).toBeUndefined();

    // The cluster's first transaction (creates __transaction_state) is also the first use of a
    // group coordinator (sendOffsets creates __consumer_offsets).
    const producer = broker!.producer({ transactionalId: 'first-txn' });
    await producer.connect();
    try {
      await producer.beginTransaction();
      await producer.send([record('output', 0, 'a'), record('output', 2, 'b')]);
      await producer.sendOffsets('processors', [
        { topic: 'input', partition: 0, offset: 5 },
        { topic: 'input', partition: 2, offset: 9 },
      ]);
      await producer.commitTransaction();
    } finally {
      await producer.close();
    }
    await expect.poll(() => broker!.committedOffsets('processors', 'input'), { timeout: 10_000 }).toEqual([5, null, 9]);

    // A consumer group's own commit, and the whole group assignment it learns.
    const consumer: Consumer = broker!.consumer({ groupId: 'readers', topics: ['output'], hostInfo: 'reader:1' });
    try {
      await consumer.run(async () => undefined);
      expect(consumer.assignment()).toHaveLength(3);
      await consumer.commit([{ topic: 'output', partition: 2, offset: 1 }]);
      const byPartition = (a: { partition: number }, b: { partition: number }) => a.partition - b.partition;
      expect(consumer.groupAssignment!().map((m) => ({ ...m, partitions: m.partitions.sort(byPartition) }))).toEqual([
        { hostInfo: 'reader:1', partitions: consumer.assignment().sort(byPartition) },
      ]);
    } finally {
      await consumer.close();
    }
    expect(await broker!.committedOffsets('readers', 'output')).toEqual([null, null, 1]);
  });
});
