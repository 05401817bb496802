/**
 * Throughput of the LevelDB store and of restore, for 1M records (not a test: run it by hand with
 * `npx tsx test/unit/state/throughput.ts [records]`). Measures:
 *   - puts of 16-byte keys and 100-byte values, then the one flush (a LevelDB batch) that persists them;
 *   - random point reads (`getSync` under `get`), over all keys and over a hot 1%;
 *   - a full `all()` scan;
 *   - a full restore through `ChangelogRestorer` from a fake reader making 500-record batches;
 *   - the processing path of a count: get + put per record through metered → caching (10 MiB) →
 *     change-logging → LevelDB, over 100k keys, with a flush (commit) every 100k records.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsumedRecord, TopicPartition } from '../../../src/broker/types.js';
import { ChangelogRestorer } from '../../../src/state/changelog-restorer.js';
import { Serdes } from '../../../src/serde/index.js';
import { LevelDbKeyValueStore } from '../../../src/state/level-db-key-value-store.js';
import { RecordCache } from '../../../src/state/record-cache.js';
import { Stores } from '../../../src/state/stores.js';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const VALUE = Buffer.alloc(100, 7);
const key = (i: number) => Buffer.from(`key-${String(i).padStart(12, '0')}`);

function report(label: string, records: number, ms: number): void {
  console.log(`${label.padEnd(34)} ${Math.round((records / ms) * 1000).toLocaleString('en').padStart(11)} records/s  (${ms.toFixed(0)} ms)`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-throughput-'));
  try {
    const context = { applicationId: 'bench', taskId: '0_0', partition: 0 };
    const store = new LevelDbKeyValueStore('store');
    await store.init({ ...context, stateDir: join(dir, 'a') });

    let t = performance.now();
    for (let i = 0; i < COUNT; i += 1) store.put(key(i), VALUE);
    const putMs = performance.now() - t;
    const f = performance.now();
    await store.flush();
    const flushMs = performance.now() - f;
    report('put (buffered)', COUNT, putMs);
    report('flush (one LevelDB batch)', COUNT, flushMs);
    report('put + flush', COUNT, putMs + flushMs);

    for (const [label, spread] of [['get, random over all keys', COUNT], ['get, random over 10k hot keys', 10_000]] as const) {
      const keys = Array.from({ length: COUNT }, () => key(Math.floor(Math.random() * spread)));
      t = performance.now();
      let found = 0;
      for (const k of keys) if (store.get(k) !== undefined) found += 1;
      report(label, COUNT, performance.now() - t);
      if (found !== COUNT) throw new Error(`found ${found} of ${COUNT}`);
    }

    t = performance.now();
    let scanned = 0;
    for (const _ of store.all()) scanned += 1;
    report('all() scan', scanned, performance.now() - t);
    await store.close();

    // Reopen: includes loading the key index.
    t = performance.now();
    const reopened = new LevelDbKeyValueStore('store');
    await reopened.init({ ...context, stateDir: join(dir, 'a') });
    report('reopen (key index load)', reopened.approximateNumEntries(), performance.now() - t);
    await reopened.close();

    // Batches of fresh records, made as they are read, like a broker fetch.
    const source = {
      endOffsets: async () => [COUNT],
      readPartition: async (_: TopicPartition, from: number, to: number, onBatch: (records: ConsumedRecord[]) => void) => {
        for (let start = from; start < to; start += 500) {
          const batch: ConsumedRecord[] = [];
          for (let offset = start; offset < Math.min(start + 500, to); offset += 1) {
            batch.push({ topic: 'bench-store-changelog', partition: 0, offset, key: key(offset), value: Buffer.from(VALUE), timestamp: 0, headers: {} });
          }
          onBatch(batch);
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
    };
    const target = new LevelDbKeyValueStore('store');
    await target.init({ ...context, stateDir: join(dir, 'b') });
    t = performance.now();
    const { restored } = await new ChangelogRestorer(source).restore({
      store: target, topic: 'bench-store-changelog', partition: 0, checkpoint: undefined,
    });
    report('restore (full, from memory)', restored, performance.now() - t);
    await target.close();

    const counts = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.string(), Serdes.int32())
      .withCachingEnabled()
      .build();
    let logged = 0;
    await counts.init({
      ...context,
      stateDir: join(dir, 'c'),
      changelog: { send: () => void (logged += 1) },
      recordCache: new RecordCache(10 * 1024 * 1024),
    });
    const words = Array.from({ length: 100_000 }, (_, i) => `word-${i}`);
    t = performance.now();
    for (let i = 0; i < COUNT; i += 1) {
      const word = words[Math.floor(Math.random() * words.length)];
      counts.put(word, (counts.get(word) ?? 0) + 1);
      if ((i + 1) % 100_000 === 0) await counts.flush();
    }
    await counts.flush();
    report('count: get+put, cached+logged', COUNT, performance.now() - t);
    console.log(`  changelog records: ${logged.toLocaleString('en')} for ${COUNT.toLocaleString('en')} updates`);
    await counts.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
