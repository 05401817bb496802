/**
 * Local state that survives: a counting app with a persistent, changelogged store, restarted with
 * its state deleted (full restore from the changelog) and with its checkpoint (delta restore only).
 * Run on both brokers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../src/broker/types.js';
import type { SuiteTarget } from './suite-target.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { Serdes } from '../../src/serde/index.js';
import { Stores } from '../../src/state/stores.js';
import { produce, readAll, waitForRecords } from '../helpers/topics.js';
import { Counter, COUNTER_STORE } from '../helpers/counter-app.js';

const STORE = COUNTER_STORE;

export function stateSuite(options: SuiteTarget): void {
  describe(`state stores and restore on ${options.name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setup() {
      const broker = await options.makeBroker();
      await broker.connect();
      cleanups.push(() => broker.close());
      const input = options.uniqueName('events');
      const output = options.uniqueName('counts');
      await broker.createTopics([
        { name: input, partitions: 2 },
        { name: output, partitions: 2 },
      ]);
      const stateDirs = [await mkdtemp(join(tmpdir(), 'tributary-state-')), await mkdtemp(join(tmpdir(), 'tributary-state-'))];
      cleanups.push(async () => {
        for (const dir of stateDirs) await rm(dir, { recursive: true, force: true });
      });
      return { broker, input, output, stateDirs, applicationId: options.uniqueName('counter') };
    }

    function counterApp(broker: Broker, applicationId: string, input: string, output: string, stateDir: string): StreamsApp {
      const builder = new StreamsBuilder();
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.string(), Serdes.int32()));
      builder
        .stream(input, { key: Serdes.string(), value: Serdes.string() })
        .process(() => new Counter(), STORE)
        .to(output, { key: Serdes.string(), value: Serdes.int32() });
      const app = new StreamsApp(builder.build(), { applicationId, stateDir, commitIntervalMs: 100, ...options.appConfig() }, { broker });
      cleanups.push(() => app.close());
      return app;
    }

    const events = (keys: number, perKey: number) =>
      Array.from({ length: keys * perKey }, (_, i) => ({ key: `k${i % keys}`, value: `e${i}` }));

    /** The last count emitted per key. */
    async function finalCounts(broker: Broker, topic: string): Promise<Map<string, number>> {
      const counts = new Map<string, number>();
      for (const r of await readAll(broker, topic)) counts.set(r.key!.toString(), r.value!.readInt32BE(0));
      return counts;
    }

    it('restores a deleted local store from its changelog and goes on counting from there', async () => {
      const { broker, input, output, stateDirs, applicationId } = await setup();
      await produce(broker, input, events(20, 5));
      const first = counterApp(broker, applicationId, input, output, stateDirs[0]);
      await first.start();
      await waitForRecords(broker, output, 100);
      await first.close();
      const changelog = `${applicationId}-${STORE}-changelog`;
      const changelogSize = (await readAll(broker, changelog)).length;
      expect(changelogSize).toBe(100);

      await rm(stateDirs[0], { recursive: true, force: true });
      await produce(broker, input, events(20, 1));
      const second = counterApp(broker, applicationId, input, output, stateDirs[0]);
      await second.start();
      await waitForRecords(broker, output, 120);
      await second.close();
      expect(second.restoredRecords).toBe(changelogSize);
      expect(await finalCounts(broker, output)).toEqual(new Map(Array.from({ length: 20 }, (_, i) => [`k${i}`, 6])));
    });

    it('restarting with its checkpoint restores only what others wrote to the changelog since', async () => {
      const { broker, input, output, stateDirs, applicationId } = await setup();
      await produce(broker, input, events(10, 3));
      const a = counterApp(broker, applicationId, input, output, stateDirs[0]);
      await a.start();
      await waitForRecords(broker, output, 30);
      await a.close();
      expect(a.restoredRecords).toBe(0);

      // Another instance with its own state dir takes over and writes 20 more changelog records.
      await produce(broker, input, events(10, 2));
      const b = counterApp(broker, applicationId, input, output, stateDirs[1]);
      await b.start();
      await waitForRecords(broker, output, 50);
      await b.close();
      expect(b.restoredRecords).toBe(30);

      // The first instance comes back: its checkpoint says it has the first 30; it replays the 20 new ones.
      await produce(broker, input, events(10, 1));
      const again = counterApp(broker, applicationId, input, output, stateDirs[0]);
      await again.start();
      await waitForRecords(broker, output, 60);
      await again.close();
      expect(again.restoredRecords).toBe(20);
      expect(await finalCounts(broker, output)).toEqual(new Map(Array.from({ length: 10 }, (_, i) => [`k${i}`, 6])));
    });

    it('interactive queries: two instances each answer for the keys they own', async () => {
      const { broker, input, output, stateDirs, applicationId } = await setup();
      const a = counterApp(broker, applicationId, input, output, stateDirs[0]);
      const b = counterApp(broker, applicationId, input, output, stateDirs[1]);
      await Promise.all([a.start(), b.start()]);
      await produce(broker, input, events(12, 4));
      await waitForRecords(broker, output, 48);

      const viewA = a.keyValueStore<string, number>(STORE);
      const viewB = b.keyValueStore<string, number>(STORE);
      for (let k = 0; k < 12; k++) {
        const answers = [viewA.get(`k${k}`), viewB.get(`k${k}`)].filter((v) => v !== undefined);
        expect(answers).toEqual([4]);
      }
      expect(viewA.approximateNumEntries() + viewB.approximateNumEntries()).toBe(12);
      expect(viewA.approximateNumEntries()).toBeGreaterThan(0);
      expect(viewB.approximateNumEntries()).toBeGreaterThan(0);
      const all = [...viewA.all(), ...viewB.all()].map((kv) => [kv.key, kv.value]);
      expect(new Map(all as [string, number][])).toEqual(new Map(Array.from({ length: 12 }, (_, i) => [`k${i}`, 4])));
      expect(() => a.keyValueStore('nope')).toThrow("no state store named 'nope'");
    });

    it('a GlobalKTable is bootstrapped before processing and kept up to date on every instance', async () => {
      const { broker, input, output, applicationId } = await setup();
      const sites = options.uniqueName('sites');
      // A different partition count from the stream: global tables need no co-partitioning.
      await broker.createTopics([{ name: sites, partitions: 3 }]);
      await produce(broker, sites, [
        { key: 'dev-1', value: 'north' },
        { key: 'dev-2', value: 'south' },
      ]);
      const builder = new StreamsBuilder();
      const siteTable = builder.globalTable(sites, { key: Serdes.string(), value: Serdes.string() }, { name: 'site-store' });
      builder
        .stream(input, { key: Serdes.string(), value: Serdes.string() })
        .join(
          siteTable,
          (_reading, device) => device,
          (device, site) => `${device}@${site}`,
        )
        .to(output, { value: Serdes.string() });
      const app = new StreamsApp(builder.build(), { applicationId, commitIntervalMs: 100, ...options.appConfig() }, { broker });
      cleanups.push(() => app.close());
      await app.start();
      await produce(broker, input, [
        { key: 'r1', value: 'dev-1' },
        { key: 'r2', value: 'dev-2' },
        { key: 'r3', value: 'dev-3' }, // no site yet: an inner join drops it
      ]);
      await waitForRecords(broker, output, 2);
      await produce(broker, sites, [{ key: 'dev-3', value: 'east' }]);
      // Queryable like any store; wait until the update reached it.
      const siteStore = app.keyValueStore<string, string>('site-store');
      expect(siteStore.get('dev-1')).toBe('north');
      for (let i = 0; i < 100 && siteStore.get('dev-3') === undefined; i++) await new Promise((r) => setTimeout(r, 100));
      expect(siteStore.get('dev-3')).toBe('east');
      await produce(broker, input, [{ key: 'r4', value: 'dev-3' }]);
      const out = await waitForRecords(broker, output, 3);
      expect(out.map((r) => `${r.key}=${r.value}`).sort()).toEqual(['r1=dev-1@north', 'r2=dev-2@south', 'r4=dev-3@east']);
    });
  });
}
