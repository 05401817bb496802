import { afterEach, describe, expect, it } from 'vitest';
import { Serdes } from '../../../src/serde/index.js';
import { RecordCache } from '../../../src/state/record-cache.js';
import { Stores, type WindowStoreOptions } from '../../../src/state/stores.js';
import { windowKey } from '../../../src/state/window-store.js';
import { CapturingChangelog, cleanup, storeContext, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => cleanup(dirs));

// 10 s windows kept 30 s behind the newest, in 10 s segments.
const OPTIONS: WindowStoreOptions = { windowSizeMs: 10_000, retentionMs: 30_000, segmentIntervalMs: 10_000 };

const suppliers = [
  ['in-memory', () => Stores.inMemoryWindowStore('clicks', OPTIONS)],
  ['LevelDB', () => Stores.persistentWindowStore('clicks', OPTIONS)],
] as const;

describe.each(suppliers)('caching window store (%s)', (_, supplier) => {
  async function open(options: { cacheBytes?: number; now?: () => number } = {}) {
    const changelog = new CapturingChangelog();
    const store = Stores.windowStoreBuilder(supplier(), Serdes.string(), Serdes.int32()).withCachingEnabled().build();
    const flushed: [string, number, number | undefined, number | undefined, number][] = [];
    expect(store.setFlushListener((key, start, newValue, oldValue, timestamp) => flushed.push([key, start, newValue, oldValue, timestamp]))).toBe(true);
    await store.init(
      storeContext({
        changelog,
        stateDir: await tempDir(dirs),
        recordCache: new RecordCache(options.cacheBytes),
        recordTimestamp: options.now,
      }),
    );
    const logged = () => changelog.records.map((r) => [r.key.toString('hex'), r.value?.readInt32BE(0)]);
    return { store, flushed, logged };
  }

  it('holds updates until flush, then logs and forwards each window once with the value it replaced', async () => {
    let now = 100;
    const { store, flushed, logged } = await open({ now: () => now });
    store.put('a', 1, 0);
    now = 200;
    store.put('b', 1, 0);
    now = 300;
    store.put('a', store.get('a', 0)! + 1, 0);
    expect(store.get('a', 0)).toBe(2);
    expect(logged()).toEqual([]);
    expect(flushed).toEqual([]);

    await store.flush();
    // In the order of each window's last update, stamped with its time.
    expect(flushed).toEqual([
      ['b', 0, 1, undefined, 200],
      ['a', 0, 2, undefined, 300],
    ]);
    expect(logged()).toEqual([
      [windowKey(Buffer.from('b'), 0).toString('hex'), 1],
      [windowKey(Buffer.from('a'), 0).toString('hex'), 2],
    ]);

    now = 400;
    store.put('a', 3, 0);
    await store.flush();
    await store.flush(); // nothing dirty: nothing forwarded
    expect(flushed.slice(2)).toEqual([['a', 0, 3, 2, 400]]);
    expect(logged()).toHaveLength(3);
    await store.close();
  });

  it('fetch and fetchAll see cached writes over stored ones, in the order of the store below', async () => {
    const { store } = await open();
    store.put('a', 1, 0);
    store.put('a', 2, 10_000);
    store.put('ab', 5, 10_000);
    await store.flush();
    store.put('a', 20, 10_000); // shadows the stored 2
    store.put('a', 3, 20_000);
    store.put('b', 7, 0);
    store.put('a', null as unknown as number, 0); // a cached delete hides the stored window
    expect([...store.fetch('a', 0, 30_000)]).toEqual([
      { windowStart: 10_000, value: 20 },
      { windowStart: 20_000, value: 3 },
    ]);
    expect([...store.fetchAll(0, 30_000)].map((w) => `${w.key}@${w.windowStart}=${w.value}`)).toEqual([
      'b@0=7', // segment 0
      'a@10000=20', // segment 1, by key
      'ab@10000=5',
      'a@20000=3', // segment 2
    ]);
    await store.flush();
    expect([...store.fetchAll(0, 30_000)].map((w) => `${w.key}@${w.windowStart}=${w.value}`)).toEqual(['b@0=7', 'a@10000=20', 'ab@10000=5', 'a@20000=3']);
    await store.close();
  });

  it('a full cache evicts its least recently used window: written through and forwarded at once', async () => {
    // Room for about two entries (key + 8 + 4 value bytes + overhead each).
    const { store, flushed, logged } = await open({ cacheBytes: 200 });
    store.put('a', 1, 0);
    store.put('b', 1, 0);
    expect(store.get('a', 0)).toBe(1); // a is now the most recently used
    store.put('c', 1, 0); // evicts b
    expect(flushed.map(([key]) => key)).toEqual(['b']);
    expect(logged()).toHaveLength(1);
    expect(store.get('b', 0)).toBe(1); // read back from the store below
    await store.close();
  });

  it('ignores writes and reads of windows older than retention behind the newest window written', async () => {
    const { store, flushed } = await open();
    store.put('k', 1, 0);
    store.put('k', 2, 35_000); // retention now starts at 5_001
    expect(store.get('k', 0)).toBeUndefined();
    store.put('k', 3, 1_000); // too late: dropped, never forwarded
    expect(store.metrics()).toMatchObject({ puts: 3, expiredPuts: 1 });
    await store.flush();
    // The window at 0 expired while cached: still forwarded, the store below drops the write.
    expect(flushed.map(([key, start, value]) => [key, start, value])).toEqual([
      ['k', 0, 1],
      ['k', 35_000, 2],
    ]);
    expect([...store.fetch('k', 0, 40_000)].map((w) => w.windowStart)).toEqual([35_000]);
    await store.close();
  });
});
