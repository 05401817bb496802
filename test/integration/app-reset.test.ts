/**
 * `resetApplication` and `tributary reset` against a real Kafka: after a reset, a restarted app
 * reprocesses its whole input; a reset is refused while an instance is running.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import type { Broker } from '../../src/broker/types.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { resetApplication } from '../../src/runtime/app-reset.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { Serdes } from '../../src/serde/index.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import { produce, readAll, waitForRecords } from '../helpers/topics.js';

const runFile = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');

/** Keeps the even numbers, through an internal repartition topic `<appId>-rekey-repartition`. */
function evenNumbers(builder: StreamsBuilder, input: string, output: string): void {
  builder
    .stream(input, { key: Serdes.string(), value: Serdes.json<{ n: number }>() })
    .filter((_key, value) => value.n % 2 === 0)
    .repartition({ name: 'rekey' })
    .to(output);
}

const INPUT_COUNT = 200;
const inputRecords = Array.from({ length: INPUT_COUNT }, (_, n) => ({ key: `k-${n % 13}`, value: JSON.stringify({ n }) }));
const evens = Array.from({ length: INPUT_COUNT / 2 }, (_, i) => 2 * i);

describe('resetting an application on Apache Kafka', () => {
  let broker: Broker;
  let stateDir: string;
  let applicationId: string;
  let input: string;
  let output: string;
  let repartition: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    broker = new KafkaBroker({ brokers: kafkaBrokers() });
    await broker.connect();
    stateDir = await mkdtemp(join(tmpdir(), 'tributary-reset-'));
    applicationId = uniqueName('reset-app');
    input = uniqueName('reset-in');
    output = uniqueName('reset-out');
    repartition = `${applicationId}-rekey-repartition`;
    await broker.createTopics([
      { name: input, partitions: 2 },
      { name: output, partitions: 2 },
    ]);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await broker.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  function topology() {
    const builder = new StreamsBuilder();
    evenNumbers(builder, input, output);
    return builder.build();
  }

  async function startApp(): Promise<StreamsApp> {
    const app = new StreamsApp(topology(), { applicationId, brokers: kafkaBrokers(), stateDir, commitIntervalMs: 200 }, { broker });
    cleanups.push(() => app.close());
    await app.start();
    return app;
  }

  /** Polls until the group has committed every record of `topic`: the app has consumed all of it. */
  async function waitUntilCommittedToEnd(topic: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [committed, end] = await Promise.all([broker.committedOffsets(applicationId, topic), broker.endOffsets(topic)]);
      if (end.every((offset, p) => committed[p] === offset)) return;
      if (Date.now() > deadline) {
        throw new Error(`group ${applicationId} committed ${JSON.stringify(committed)} on ${topic}, end is ${JSON.stringify(end)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Runs the app over the whole input once, and closes it. */
  async function runToCompletion(expectedOutput: number): Promise<void> {
    const app = await startApp();
    await waitForRecords(broker, output, expectedOutput);
    await waitUntilCommittedToEnd(input);
    await app.close();
  }

  const outputNumbers = async () => (await readAll(broker, output)).map((r) => (JSON.parse(r.value!.toString()) as { n: number }).n);

  /** What a stateful task leaves in the state dir (this stateless app writes none itself). */
  async function plantLocalState(appId: string): Promise<string> {
    const dir = join(stateDir, appId, '0_0');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.checkpoint'), 'store-changelog 0 42\n');
    return join(stateDir, appId);
  }

  it('rewinds the input, deletes internal topics and local state, and the restarted app reprocesses everything', async () => {
    await produce(broker, input, inputRecords);
    await runToCompletion(evens.length);
    expect((await outputNumbers()).sort((a, b) => a - b)).toEqual(evens);
    const inputEnd = await broker.endOffsets(input);
    expect(await broker.committedOffsets(applicationId, input)).toEqual(inputEnd);
    expect(inputEnd.reduce((a, b) => a + b, 0)).toBe(INPUT_COUNT);

    const appStateDir = await plantLocalState(applicationId);
    const otherAppStateDir = await plantLocalState(uniqueName('other-app'));
    // A changelog of a store the topology no longer has, and topics that are not internal ones.
    const orphanChangelog = `${applicationId}-dropped-store-changelog`;
    const notInternal = `${applicationId}-notes`;
    await broker.createTopics([
      { name: orphanChangelog, partitions: 1, config: { 'cleanup.policy': 'compact' } },
      { name: notInternal, partitions: 1 },
    ]);
    cleanups.push(() => broker.deleteTopics([notInternal, `${applicationId}-dlq`, repartition, orphanChangelog, input, output]));

    const dryRun = await resetApplication(broker, { applicationId, topology: topology(), stateDir, dryRun: true });
    expect(dryRun.dryRun).toBe(true);
    expect(dryRun.rewinds).toEqual(inputEnd.map((end, partition) => ({ topic: input, partition, from: end, to: 0 })));
    expect(dryRun.missingInputTopics).toEqual([]);
    expect(dryRun.topicsToDelete).toEqual([orphanChangelog, repartition].sort());
    expect(dryRun.keptDeadLetterTopic).toBe(`${applicationId}-dlq`);
    expect(dryRun.stateDirToDelete).toBe(appStateDir);
    // ...and nothing changed.
    expect(await broker.committedOffsets(applicationId, input)).toEqual(inputEnd);
    expect(await broker.listTopics()).toEqual(expect.arrayContaining([repartition, orphanChangelog]));
    expect(existsSync(appStateDir)).toBe(true);

    const done = await resetApplication(broker, { applicationId, topology: topology(), stateDir });
    expect({ ...done, dryRun: true }).toEqual(dryRun);
    expect(done.dryRun).toBe(false);
    expect(await broker.committedOffsets(applicationId, input)).toEqual([0, 0]);
    const topics = await broker.listTopics();
    expect(topics).not.toContain(repartition);
    expect(topics).not.toContain(orphanChangelog);
    expect(topics).toEqual(expect.arrayContaining([input, output, notInternal, `${applicationId}-dlq`]));
    expect(existsSync(appStateDir)).toBe(false);
    expect(existsSync(otherAppStateDir)).toBe(true);

    await runToCompletion(2 * evens.length);
    const twice = [...evens, ...evens].sort((a, b) => a - b);
    expect((await outputNumbers()).sort((a, b) => a - b)).toEqual(twice);
    expect(await broker.committedOffsets(applicationId, input)).toEqual(inputEnd);
  });

  it('is refused while an instance runs, and then changes nothing', async () => {
    cleanups.push(() => broker.deleteTopics([`${applicationId}-dlq`, repartition, input, output]));
    await produce(broker, input, inputRecords);
    const app = await startApp();
    await waitForRecords(broker, output, evens.length);
    await waitUntilCommittedToEnd(input);
    const appStateDir = await plantLocalState(applicationId);

    await expect(resetApplication(broker, { applicationId, topology: topology(), stateDir })).rejects.toThrow(
      new RegExp(`cannot reset application '${applicationId}'.*consumer group '${applicationId}'.*live members`),
    );
    expect(app.state).toBe('RUNNING');
    expect(await broker.committedOffsets(applicationId, input)).toEqual(await broker.endOffsets(input));
    expect(await broker.listTopics()).toContain(repartition);
    expect(existsSync(appStateDir)).toBe(true);

    // Once the instance is stopped, the same reset goes through.
    await app.close();
    await resetApplication(broker, { applicationId, topology: topology(), stateDir });
    expect(await broker.committedOffsets(applicationId, input)).toEqual([0, 0]);
    expect(await broker.listTopics()).not.toContain(repartition);
  });

  describe('tributary reset', () => {
    /** A topology file for the CLI with this test's names baked in. */
    async function writeTopologyFile(): Promise<string> {
      const src = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot, 'src', path)).href);
      // .mts: outside the project there is no package.json saying the file is an ES module.
      const file = join(stateDir, 'reset-app.mts');
      await writeFile(
        file,
        [
          `import { defineApp } from ${src('runtime/app-definition.ts')};`,
          `import { Serdes } from ${src('serde/index.ts')};`,
          `export default defineApp({`,
          `  applicationId: ${JSON.stringify(applicationId)},`,
          `  topics: [{ name: ${JSON.stringify(input)}, partitions: 2 }, { name: ${JSON.stringify(output)}, partitions: 2 }],`,
          `  topology: (builder) => {`,
          `    builder`,
          `      .stream(${JSON.stringify(input)}, { key: Serdes.string(), value: Serdes.json<{ n: number }>() })`,
          `      .filter((_key, value) => value.n % 2 === 0)`,
          `      .repartition({ name: 'rekey' })`,
          `      .to(${JSON.stringify(output)});`,
          `  },`,
          `});`,
        ].join('\n'),
      );
      return file;
    }

    async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      try {
        const command = [join(repoRoot, 'bin/tributary.mjs'), 'reset', ...args];
        const { stdout, stderr } = await runFile(process.execPath, command, { cwd: repoRoot });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const failed = err as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    }

    it('prints the plan on --dry-run, then performs it (and deletes dead letters only when asked)', async () => {
      const dlq = `${applicationId}-dlq`;
      cleanups.push(() => broker.deleteTopics([dlq, repartition, input, output]));
      await produce(broker, input, inputRecords);
      await runToCompletion(evens.length);
      const inputEnd = await broker.endOffsets(input);
      const appStateDir = await plantLocalState(applicationId);
      const file = await writeTopologyFile();
      const common = [file, '--brokers', kafkaBrokers().join(','), '--state-dir', stateDir];

      const dry = await cli(...common, '--dry-run');
      expect(dry).toMatchObject({ code: 0, stderr: '' });
      expect(dry.stdout.split('\n')).toEqual([
        `Reset of '${applicationId}' (dry run, nothing changed):`,
        ...inputEnd.map((end, p) => `  would rewind ${input}[${p}] from ${end} to 0`),
        `  would delete topic ${repartition}`,
        `  kept dead-letter topic ${dlq} (--delete-dead-letters deletes it)`,
        `  would delete local state ${appStateDir}`,
        '',
      ]);
      expect(await broker.committedOffsets(applicationId, input)).toEqual(inputEnd);
      expect(await broker.listTopics()).toEqual(expect.arrayContaining([repartition, dlq]));
      expect(existsSync(appStateDir)).toBe(true);

      const real = await cli(...common, '--delete-dead-letters');
      expect(real).toMatchObject({ code: 0, stderr: '' });
      expect(real.stdout.split('\n')).toEqual([
        `Reset of '${applicationId}':`,
        ...inputEnd.map((end, p) => `  rewound ${input}[${p}] from ${end} to 0`),
        `  deleted topic ${repartition}`,
        `  deleted topic ${dlq}`,
        `  deleted local state ${appStateDir}`,
        '',
      ]);
      expect(await broker.committedOffsets(applicationId, input)).toEqual([0, 0]);
      const topics = await broker.listTopics();
      expect(topics).not.toContain(repartition);
      expect(topics).not.toContain(dlq);
      expect(existsSync(appStateDir)).toBe(false);
    });

    it('exits with an error naming the group while an instance runs', async () => {
      cleanups.push(() => broker.deleteTopics([`${applicationId}-dlq`, repartition, input, output]));
      await produce(broker, input, inputRecords);
      await startApp();
      await waitUntilCommittedToEnd(input);
      const file = await writeTopologyFile();

      const refused = await cli(file, '--brokers', kafkaBrokers().join(','), '--state-dir', stateDir);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(
        new RegExp(`^tributary reset: cannot reset application '${applicationId}'.*consumer group '${applicationId}'.*live members`),
      );
      expect(await broker.committedOffsets(applicationId, input)).toEqual(await broker.endOffsets(input));
      expect(await broker.listTopics()).toContain(repartition);
    });
  });
});
