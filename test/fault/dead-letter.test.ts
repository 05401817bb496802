/**
 * A reading whose processing throws goes to the dead-letter topic under the `continue` handler and
 * the app keeps going (in-process, real Kafka): the poison readings land in `<appId>-dlq` unchanged,
 * with headers naming the failure and their source record; the app never leaves RUNNING for ERROR,
 * processes the readings after them (and readings produced after the dead-lettering), and its
 * output equals the reference computed from the good readings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { DEAD_LETTER_HEADERS, deadLetterTopic } from '../../src/processor/dead-letter.js';
import type { AppState } from '../../src/runtime/app-state.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import { readAll, waitForRecords } from '../helpers/topics.js';
import {
  makeReadings,
  monotonicViolations,
  produceReadings,
  prng,
  readOutput,
  reference,
  RID_HEADER,
  tempDir,
  waitUntilConsumed,
} from './fault-helpers.js';
import { POISON, windowedCountTopology } from './windowed-count-app.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('processing failures under the continue handler (real Kafka)', () => {
  it('dead-letters the poison readings and keeps counting the rest', async () => {
    const brokers = kafkaBrokers();
    const broker = new KafkaBroker({ brokers });
    await broker.connect();
    cleanups.push(() => broker.close());
    const applicationId = uniqueName('fault-dlq');
    const input = uniqueName('fault-in');
    const output = uniqueName('fault-out');
    await broker.createTopics([
      { name: input, partitions: 2 },
      { name: output, partitions: 2 },
    ]);
    cleanups.push(async () => {
      const mine = (await broker.listTopics()).filter((t) => t === input || t === output || t.startsWith(`${applicationId}-`));
      await broker.deleteTopics(mine).catch(() => undefined);
    });
    const dir = await tempDir('tributary-fault-');
    cleanups.push(dir.remove);

    const readings = makeReadings(4_000, 20, 3, prng(7));
    const poisonIds = [150, 1_111, 1_900];
    for (const id of poisonIds) readings[id].value = POISON;
    const good = readings.filter((r) => r.value !== POISON);

    const app = new StreamsApp(
      windowedCountTopology('dsl', input, output),
      { applicationId, brokers, stateDir: dir.path, processingExceptionHandler: 'continue', commitIntervalMs: 200 },
      { broker },
    );
    const states: AppState[] = [];
    app.onStateChange((next) => states.push(next));
    cleanups.push(() => app.close());
    await app.start();

    // First half, with every poison reading; the rest only once they are dead-lettered.
    await produceReadings(broker, input, readings.slice(0, 2_000));
    const dlq = await waitForRecords(broker, deadLetterTopic(applicationId), poisonIds.length, 60_000);
    expect(app.state).toBe('RUNNING');
    await produceReadings(broker, input, readings.slice(2_000));
    await waitUntilConsumed(broker, applicationId, input, 60_000);
    expect(app.state).toBe('RUNNING');
    await app.close();
    expect(states).not.toContain('ERROR');

    // The dead-letter records: the raw poison readings, with where they came from and why.
    const inputRecords = await readAll(broker, input);
    const poisonAt = new Map(inputRecords.filter((r) => r.value?.toString() === POISON).map((r) => [r.headers[RID_HEADER].toString(), r]));
    expect(dlq.map((r) => Number(r.headers[RID_HEADER].toString())).sort((x, y) => x - y)).toEqual(poisonIds);
    for (const record of dlq) {
      const source = poisonAt.get(record.headers[RID_HEADER].toString())!;
      expect(record.value?.toString()).toBe(POISON);
      expect(record.key?.toString()).toBe(source.key?.toString());
      expect(record.timestamp).toBe(source.timestamp);
      expect(record.headers[DEAD_LETTER_HEADERS.stage].toString()).toBe('processing');
      expect(record.headers[DEAD_LETTER_HEADERS.errorMessage].toString()).toMatch(/poison reading/);
      expect(record.headers[DEAD_LETTER_HEADERS.sourceTopic].toString()).toBe(input);
      expect(record.headers[DEAD_LETTER_HEADERS.sourcePartition].toString()).toBe(String(source.partition));
      expect(record.headers[DEAD_LETTER_HEADERS.sourceOffset].toString()).toBe(String(source.offset));
    }
    expect(await readAll(broker, deadLetterTopic(applicationId))).toHaveLength(poisonIds.length);

    // Everything else was counted, once: the latest counts equal the reference of the good readings
    // (a poison reading counted, or a good one lost or counted twice, would show).
    const analysis = await readOutput(broker, output);
    expect(monotonicViolations(reference(good), analysis).slice(0, 10)).toEqual([]);
    expect(analysis.records).toBeLessThanOrEqual(good.length);
  });
});
