import { afterEach, describe, expect, it } from 'vitest';
import { Serdes } from '../../../src/serde/index.js';
import { InMemoryKeyValueStore } from '../../../src/state/in-memory-key-value-store.js';
import { KeyValueStoreBuilder } from '../../../src/state/key-value-store-builder.js';
import { MeteredKeyValueStore } from '../../../src/state/metered-key-value-store.js';
import { RecordCache } from '../../../src/state/record-cache.js';
import { Stores } from '../../../src/state/stores.js';
import { CapturingChangelog, cleanup, storeContext, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => cleanup(dirs));

describe('MeteredKeyValueStore', () => {
  it('serializes keys and values with the serdes and counts operations', async () => {
    const inner = new InMemoryKeyValueStore('scores');
    const store = new MeteredKeyValueStore(inner, Serdes.string(), Serdes.json<{ points: number }>());
    await store.init(storeContext());
    store.put('ann', { points: 3 });
    store.put('bob', { points: 5 });
    expect(store.get('ann')).toEqual({ points: 3 });
    expect(store.get('zed')).toBeUndefined();
    expect(store.putIfAbsent('ann', { points: 9 })).toEqual({ points: 3 });
    expect(store.delete('bob')).toEqual({ points: 5 });
    expect([...store.all()]).toEqual([{ key: 'ann', value: { points: 3 } }]);
    expect(inner.get(Buffer.from('ann'))?.toString()).toBe('{"points":3}');
    await store.flush();
    expect(store.metrics()).toEqual({ gets: 2, hits: 1, puts: 2, putIfAbsents: 1, deletes: 1, scans: 1, flushes: 1 });
  });

  it('deletes on a put of a value that serializes to null, and rejects null keys', async () => {
    const store = new MeteredKeyValueStore(new InMemoryKeyValueStore('s'), Serdes.string(), Serdes.string());
    await store.init(storeContext());
    store.put('k', 'v');
    store.put('k', null as unknown as string);
    expect(store.get('k')).toBeUndefined();
    expect(() => store.put(null as unknown as string, 'v')).toThrow("store 's' cannot hold a null key");
  });

  it('orders ranges by serialized key bytes', async () => {
    const store = new MeteredKeyValueStore(new InMemoryKeyValueStore('n'), Serdes.int32(), Serdes.string());
    await store.init(storeContext());
    for (const n of [-1, 2, 0, 1]) store.put(n, String(n));
    // Big-endian two's complement: negative numbers sort after positive ones.
    expect([...store.all()].map((e) => e.key)).toEqual([0, 1, 2, -1]);
    expect([...store.range(1, 2)].map((e) => e.value)).toEqual(['1', '2']);
  });
});

describe('KeyValueStoreBuilder', () => {
  it('builds metered → caching → change-logging → LevelDB, forwarding typed values on flush', async () => {
    const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.string(), Serdes.int32())
      .withCachingEnabled()
      .withLoggingEnabled({ 'min.compaction.lag.ms': '1000' });
    expect(builder).toBeInstanceOf(KeyValueStoreBuilder);
    expect(builder.loggingEnabled).toBe(true);
    expect(builder.changelogConfig).toEqual({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '1000' });

    const store = builder.build();
    expect(store.persistent).toBe(true);
    const changelog = new CapturingChangelog();
    await store.init(storeContext({ stateDir: await tempDir(dirs), changelog, recordCache: new RecordCache(1 << 20) }));
    const forwarded: [string, number | undefined, number | undefined][] = [];
    expect(store.setFlushListener((key, newValue, oldValue) => forwarded.push([key, newValue, oldValue]))).toBe(true);
    for (let i = 1; i <= 3; i += 1) store.put('clicks', i);
    await store.flush();
    expect(forwarded).toEqual([['clicks', 3, undefined]]);
    expect(changelog.records.map((r) => r.value?.readInt32BE(0))).toEqual([3]);
    await store.close();
  });

  it('without caching and logging, builds metered → in-memory with no flush listener and no writer needed', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('plain'), Serdes.string(), Serdes.string())
      .withLoggingDisabled()
      .build();
    expect(store.persistent).toBe(false);
    await store.init(storeContext());
    expect(store.setFlushListener(() => {})).toBe(false);
    store.put('k', 'v');
    expect(store.get('k')).toBe('v');
  });
});
