import { describe, expect, test } from 'vitest';
import type { Processor, ProcessorContext, StoreRestoreRequest } from '../../../src/processor/index.js';
import { Serdes } from '../../../src/serde/index.js';
import type { KeyValueStore } from '../../../src/state/key-value-store.js';
import { Stores } from '../../../src/state/stores.js';
import { Topology } from '../../../src/topology/index.js';
import { countSerde, Materialized, StreamsBuilder, Suppressed, timeWindowedSerde, TimeWindows } from '../../../src/dsl/index.js';
import { raw, taskFor } from './support/task-harness.js';

const serdes = { key: Serdes.string(), value: Serdes.string() };

/** `src` → `writer`, which puts each record into `store` and forwards what the cache flushes. */
function writerTopology(caching: boolean, logging = true): Topology {
  const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('store'), Serdes.string(), Serdes.string());
  if (caching) builder.withCachingEnabled();
  if (!logging) builder.withLoggingDisabled();
  return new Topology()
    .addSource('src', 'in', serdes)
    .addProcessor('writer', () => {
      let store: KeyValueStore<string, string> & { setFlushListener(l: (k: string, n?: string, o?: string, ts?: number) => void): boolean };
      let context: ProcessorContext<string, string>;
      return {
        init(c: ProcessorContext<string, string>) {
          context = c;
          store = c.getStateStore('store');
          store.setFlushListener((key, newValue, oldValue, timestamp) =>
            context.forward({ key, value: `${oldValue ?? '-'}->${newValue ?? '-'}`, timestamp: timestamp!, headers: {} }),
          );
        },
        process(record) {
          store.put(record.key, record.value);
        },
      } satisfies Processor<string, string, string, string>;
    }, 'src')
    .addSink('out', 'out', serdes, 'writer')
    .addStateStore(builder, 'writer');
}

const text = (b: Buffer | null) => b?.toString() ?? null;

describe('StreamTask state store wiring', () => {
  test('changelog records go to the task collector, stamped with the record timestamp, on the task partition', async () => {
    const { task, sent } = taskFor(writerTopology(false), {}, 0, 2);
    await task.initialize();
    task.addRecords(raw('in', 2, [[0, 'k', 'v1', 1000], [1, 'k', 'v2', 500]]));
    task.process();
    expect(sent.map((r) => [r.topic, r.partition, text(r.key), text(r.value), r.timestamp])).toEqual([
      ['app-store-changelog', 2, 'k', 'v1', 1000],
      ['app-store-changelog', 2, 'k', 'v2', 500],
    ]);
  });

  test('a caching store holds updates until the task flushes; the flush forwards once per key, stamped with its last update', async () => {
    const { task, sent } = taskFor(writerTopology(true));
    await task.initialize();
    task.addRecords(raw('in', 0, [[0, 'a', '1', 10], [1, 'b', '1', 20], [2, 'a', '2', 30]]));
    task.process();
    expect(sent).toEqual([]);
    const flushed = task.flush();
    // The caches wrote through synchronously, inside flush() itself.
    const rows = sent.map((r) => [r.topic, text(r.key), text(r.value), r.timestamp]);
    await flushed;
    expect(rows).toEqual([
      ['app-store-changelog', 'b', '1', 20],
      ['out', 'b', '-->1', 20],
      ['app-store-changelog', 'a', '2', 30],
      ['out', 'a', '-->2', 30],
    ]);
  });

  test('cacheMaxBytes: 0 turns caching off: every update is written through at once', async () => {
    const { task, sent } = taskFor(writerTopology(true, false), { cacheMaxBytes: 0 });
    await task.initialize();
    task.addRecords(raw('in', 0, [[0, 'a', '1', 10], [1, 'a', '2', 20]]));
    task.process();
    expect(sent.map((r) => text(r.value))).toEqual(['-->1', '1->2']);
  });

  test('restoreStore is called for each logged store after it is opened and before processors init', async () => {
    const events: string[] = [];
    const requests: StoreRestoreRequest[] = [];
    const logged = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('logged'), Serdes.string(), Serdes.string());
    const unlogged = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('unlogged'), Serdes.string(), Serdes.string()).withLoggingDisabled();
    const topology = new Topology()
      .addSource('src', 'in', serdes)
      .addProcessor('p', () => ({ init: () => void events.push('init'), process: () => undefined }), 'src')
      .addStateStore(logged, 'p')
      .addStateStore(unlogged, 'p');
    const { task } = taskFor(topology, {
      restoreStore: async (request) => {
        events.push(`restore ${request.storeName}`);
        requests.push(request);
        request.target.restoreBatch([{ key: Buffer.from('k'), value: Buffer.from('restored') }]);
      },
    }, 0, 1);
    await task.initialize();
    expect(events).toEqual(['restore logged', 'init']);
    expect(requests.map(({ storeName, changelogTopic, partition, taskId }) => ({ storeName, changelogTopic, partition, taskId }))).toEqual([
      { storeName: 'logged', changelogTopic: 'app-logged-changelog', partition: 1, taskId: '0_1' },
    ]);
    expect((task.stateStore('logged') as KeyValueStore<string, string>).get('k')).toBe('restored');
  });
});

describe('restoring DSL state through restoreStore', () => {
  test('a suppression buffer restored from its changelog still emits the final result, once', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('events', serdes)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000))
      .count(Materialized.as('counts'))
      .suppress(Suppressed.untilWindowCloses(), { name: 'final' })
      .toStream()
      .to('out', { value: countSerde });
    const topology = builder.build();

    const first = taskFor(topology);
    await first.task.initialize();
    first.task.addRecords(raw('events', 0, [[0, 'a', 'x', 1_000], [1, 'a', 'x', 2_000]]));
    first.task.process();
    await first.task.close();
    expect(first.sent.filter((r) => r.topic === 'out')).toEqual([]);

    // A new instance restores both stores from what the first one logged.
    const changelog = (store: string) => first.sent.filter((r) => r.topic === `app-${store}-changelog`);
    expect(changelog('final-store').length).toBeGreaterThan(0);
    const second = taskFor(topology, { restoreStore: async ({ storeName, target }) => target.restoreBatch(changelog(storeName)) });
    await second.task.initialize();
    second.task.addRecords(raw('events', 0, [[2, 'b', 'x', 10_000], [3, 'b', 'x', 10_001]]));
    second.task.process();
    // The count store caches: its updates reach the suppression at the next commit's flush.
    await second.task.flush();
    const keySerde = timeWindowedSerde(Serdes.string(), 10_000);
    const out = second.sent.filter((r) => r.topic === 'out').map((r) => [keySerde.deserialize(r.key, 'out'), countSerde.deserialize(r.value, 'out')]);
    expect(out).toEqual([[{ key: 'a', window: { start: 0, end: 10_000 } }, 2]]);
  });
});
