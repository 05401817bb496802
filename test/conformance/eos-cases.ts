/**
 * Exactly-once across a failure: a counting app under `exactly_once_v2` fails mid-run (a processor
 * throws under the `fail` handler); its open transaction is aborted. A restarted instance restores
 * its store from the committed changelog and resumes from the committed offsets. Read with
 * read_committed, the output then holds every count exactly once, in order: no loss, no duplicate.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../src/broker/types.js';
import type { SuiteTarget } from './suite-target.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { ProcessorContext, StreamRecord } from '../../src/processor/api.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { Serdes } from '../../src/serde/index.js';
import type { KeyValueStore } from '../../src/state/key-value-store.js';
import { Stores } from '../../src/state/stores.js';
import { produce, readAll } from '../helpers/topics.js';

const STORE = 'eos-counts';

class FailingOnceCounter {
  private context!: ProcessorContext<string, number>;
  private counts!: KeyValueStore<string, number>;
  constructor(private readonly failOn: { value: string; armed: boolean }) {}
  init(context: ProcessorContext<string, number>) {
    this.context = context;
    this.counts = context.getStateStore<KeyValueStore<string, number>>(STORE);
  }
  process(record: StreamRecord<string, string>) {
    const next = (this.counts.get(record.key) ?? 0) + 1;
    this.counts.put(record.key, next);
    if (record.value === this.failOn.value && this.failOn.armed) {
      this.failOn.armed = false;
      throw new Error('simulated crash in the middle of a transaction');
    }
    this.context.forward({ key: record.key, value: next, timestamp: record.timestamp, headers: {} });
  }
}

export function exactlyOnceSuite(options: SuiteTarget): void {
  describe(`exactly-once on ${options.name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('after a failure mid-transaction, a restarted instance emits every count exactly once', async () => {
      const broker = await options.makeBroker();
      await broker.connect();
      cleanups.push(() => broker.close());
      const input = options.uniqueName('eos-in');
      const output = options.uniqueName('eos-out');
      const applicationId = options.uniqueName('eos-app');
      await broker.createTopics([
        { name: input, partitions: 2 },
        { name: output, partitions: 2 },
      ]);
      const stateDir = await mkdtemp(join(tmpdir(), 'tributary-eos-'));
      cleanups.push(() => rm(stateDir, { recursive: true, force: true }));

      const keys = 10;
      const perKey = 30;
      const events = Array.from({ length: keys * perKey }, (_, i) => ({ key: `k${i % keys}`, value: i === 203 ? 'boom' : `e${i}` }));
      await produce(broker, input, events);
      const failOn = { value: 'boom', armed: true };

      const start = (instanceId: string) => {
        const builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.string(), Serdes.int32()));
        builder
          .stream(input, { key: Serdes.string(), value: Serdes.string() })
          .process(() => new FailingOnceCounter(failOn), STORE)
          .to(output, { key: Serdes.string(), value: Serdes.int32() });
        const app = new StreamsApp(
          builder.build(),
          {
            applicationId,
            stateDir,
            instanceId,
            processingGuarantee: 'exactly_once_v2',
            processingExceptionHandler: 'fail',
            commitIntervalMs: 1,
            maxBatchRecords: 7,
            ...options.appConfig(),
          },
          { broker },
        );
        cleanups.push(() => app.close());
        return app;
      };

      const first = start('one');
      await first.start();
      await expect(first.waitForState('NOT_RUNNING', 60_000)).rejects.toThrow(/simulated crash/);
      expect(first.state).toBe('ERROR');
      await first.close();
      const beforeRestart = await readAll(broker, output, 'read_committed');
      expect(beforeRestart.length).toBeGreaterThan(0); // some transactions committed before the crash
      expect(beforeRestart.length).toBeLessThan(keys * perKey);

      const second = start('one');
      await second.start();
      const deadline = Date.now() + 60_000;
      let out = await readAll(broker, output, 'read_committed');
      while (out.length < keys * perKey && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        out = await readAll(broker, output, 'read_committed');
      }
      await second.close();
      out = await readAll(broker, output, 'read_committed');

      const perKeyCounts = new Map<string, number[]>();
      for (const r of out) {
        const key = r.key!.toString();
        perKeyCounts.set(key, [...(perKeyCounts.get(key) ?? []), r.value!.readInt32BE(0)]);
      }
      const expected = Array.from({ length: perKey }, (_, i) => i + 1);
      expect(out.length).toBe(keys * perKey);
      for (let k = 0; k < keys; k++) expect(perKeyCounts.get(`k${k}`)).toEqual(expected);
      expect(second.restoredRecords).toBeGreaterThan(0);
    });
  });
}
