import { describe, expect, it } from 'vitest';
import { CachingKeyValueStore } from '../../../src/state/caching-key-value-store.js';
import { ChangeLoggingKeyValueStore } from '../../../src/state/change-logging-key-value-store.js';
import { InMemoryKeyValueStore } from '../../../src/state/in-memory-key-value-store.js';
import { RecordCache } from '../../../src/state/record-cache.js';
import { b, CapturingChangelog, s, storeContext } from './helpers.js';

interface Forwarded {
  key: string;
  newValue: string | undefined;
  oldValue: string | undefined;
  timestamp: number;
}

/** caching → change-logging → in-memory, as the builder assembles it, with a clock we control. */
async function cachedStore(cache: RecordCache, name = 'agg') {
  const inner = new InMemoryKeyValueStore(name);
  const store = new CachingKeyValueStore(new ChangeLoggingKeyValueStore(inner));
  const changelog = new CapturingChangelog();
  const clock = { now: 100 };
  const forwarded: Forwarded[] = [];
  await store.init(storeContext({ changelog, recordCache: cache, recordTimestamp: () => clock.now }));
  expect(
    store.setFlushListener((key, newValue, oldValue, timestamp) =>
      forwarded.push({ key: s(key)!, newValue: s(newValue), oldValue: s(oldValue), timestamp }),
    ),
  ).toBe(true);
  return { store, inner, changelog, clock, forwarded };
}

const logged = (changelog: CapturingChangelog) =>
  changelog.records.map((r) => [s(r.key), r.value === null ? null : s(r.value), r.timestamp]);

describe('CachingKeyValueStore', () => {
  it('coalesces updates between flushes: one write-through, one changelog record, one forward per key', async () => {
    const { store, inner, changelog, clock, forwarded } = await cachedStore(new RecordCache(1024 * 1024));
    for (let i = 1; i <= 100; i += 1) {
      clock.now = 100 + i;
      store.put(b('hot'), b(String(i)));
    }
    store.put(b('other'), b('x'));
    expect(s(store.get(b('hot')))).toBe('100');
    expect(inner.get(b('hot'))).toBeUndefined(); // not written through yet
    expect(changelog.records).toHaveLength(0);
    expect(forwarded).toHaveLength(0);

    await store.flush();
    expect(s(inner.get(b('hot')))).toBe('100');
    expect(logged(changelog)).toEqual([['hot', '100', 200], ['other', 'x', 200]]);
    expect(forwarded).toEqual([
      { key: 'hot', newValue: '100', oldValue: undefined, timestamp: 200 },
      { key: 'other', newValue: 'x', oldValue: undefined, timestamp: 200 },
    ]);

    store.put(b('hot'), b('101'));
    await store.flush();
    await store.flush(); // nothing dirty: nothing more
    expect(forwarded.slice(2)).toEqual([{ key: 'hot', newValue: '101', oldValue: '100', timestamp: 200 }]);
    expect(changelog.records).toHaveLength(3);
  });

  it("stamps each written-through entry with its own update's time, not the time of the flush", async () => {
    const { store, changelog, clock, forwarded } = await cachedStore(new RecordCache(1024 * 1024));
    clock.now = 1;
    store.put(b('a'), b('x'));
    clock.now = 5;
    store.put(b('b'), b('y'));
    clock.now = 99; // e.g. a punctuation triggers the commit later
    await store.flush();
    expect(logged(changelog)).toEqual([['a', 'x', 1], ['b', 'y', 5]]);
    expect(forwarded.map((f) => f.timestamp)).toEqual([1, 5]);
    store.put(b('c'), b('z')); // outside a flush, the layers below see the current record's time again
    await store.flush();
    expect(changelog.records.at(-1)?.timestamp).toBe(99);
  });

  it('flushes a delete as a tombstone with the old value, and drops a put-then-delete of a new key', async () => {
    const { store, inner, changelog, forwarded } = await cachedStore(new RecordCache(1024 * 1024));
    store.put(b('k'), b('v'));
    await store.flush();
    expect(s(store.delete(b('k')))).toBe('v');
    expect(store.get(b('k'))).toBeUndefined();
    store.put(b('fleeting'), b('x'));
    store.delete(b('fleeting'));
    await store.flush();
    expect(inner.get(b('k'))).toBeUndefined();
    expect(logged(changelog)).toEqual([['k', 'v', 100], ['k', null, 100]]);
    expect(forwarded.map((f) => [f.key, f.newValue, f.oldValue])).toEqual([['k', 'v', undefined], ['k', undefined, 'v']]);
  });

  it('evicts least recently used entries once over its byte budget, flushing dirty ones', async () => {
    // Each entry costs 64 bytes of overhead plus key and value: 3 entries of 2+8 bytes fit in 250.
    const cache = new RecordCache(250);
    const { store, inner, forwarded } = await cachedStore(cache);
    store.put(b('k1'), b('value--1'));
    store.put(b('k2'), b('value--2'));
    store.put(b('k3'), b('value--3'));
    expect(cache.metrics().usedBytes).toBe(222);
    store.get(b('k1')); // k1 becomes most recently used: k2 is now the eldest
    store.put(b('k4'), b('value--4'));
    expect(forwarded.map((f) => f.key)).toEqual(['k2']);
    expect(s(inner.get(b('k2')))).toBe('value--2');
    expect(inner.get(b('k1'))).toBeUndefined();
    expect(cache.metrics()).toMatchObject({ usedBytes: 222, evictions: 1 });
    // The evicted key is read back from below and forwarded no more.
    expect(s(store.get(b('k2')))).toBe('value--2');
    await store.flush();
    expect(forwarded.map((f) => f.key).sort()).toEqual(['k1', 'k2', 'k3', 'k4']);
  });

  it('forwards and logs every write at once when the cache has no budget (caching off)', async () => {
    const { store, changelog, forwarded } = await cachedStore(new RecordCache(0));
    store.put(b('k'), b('1'));
    store.put(b('k'), b('2'));
    expect(forwarded.map((f) => [f.newValue, f.oldValue])).toEqual([['1', undefined], ['2', '1']]);
    expect(logged(changelog).map(([, value]) => value)).toEqual(['1', '2']);
    expect(s(store.get(b('k')))).toBe('2');
  });

  it('shares one budget between the stores of a task, each overflow settled by the writing store', async () => {
    const cache = new RecordCache(300);
    const first = await cachedStore(cache, 'first');
    const second = await cachedStore(cache, 'second');
    first.store.put(b('a1'), b('x'.repeat(30)));
    first.store.put(b('a2'), b('x'.repeat(30)));
    second.store.put(b('b1'), b('x'.repeat(30)));
    expect(cache.metrics().usedBytes).toBe(288);
    second.store.put(b('b2'), b('x'.repeat(30))); // over budget: second store's own eldest goes
    expect(second.forwarded.map((f) => f.key)).toEqual(['b1']);
    second.store.put(b('b3'), b('x'.repeat(100))); // still over after b2: b3 itself is written through
    expect(second.forwarded.map((f) => f.key)).toEqual(['b1', 'b2', 'b3']);
    expect(first.forwarded).toHaveLength(0);
    expect(cache.metrics()).toMatchObject({ usedBytes: 192, evictions: 3 });
    await first.store.close();
    expect(cache.metrics().usedBytes).toBe(0);
  });

  it('ranges over the store below with cached writes and deletes laid over it', async () => {
    const { store } = await cachedStore(new RecordCache(1024 * 1024));
    for (const key of ['a', 'c', 'e', 'g']) store.put(b(key), b('stored'));
    await store.flush();
    store.put(b('c'), b('cached'));
    store.put(b('d'), b('new'));
    store.delete(b('e'));
    store.put(b('z'), b('new'));
    const seen = [...store.range(b('b'), b('g'))].map(({ key, value }) => [s(key), s(value)]);
    expect(seen).toEqual([['c', 'cached'], ['d', 'new'], ['g', 'stored']]);
    expect([...store.all()].map(({ key }) => s(key))).toEqual(['a', 'c', 'd', 'g', 'z']);
    expect(store.approximateNumEntries()).toBe(5);
    // Writes after the first scan keep the sorted overlay current.
    store.put(b('b'), b('new'));
    store.delete(b('d'));
    store.put(b('e'), b('back'));
    expect([...store.range(b('b'), b('g'))].map(({ key, value }) => [s(key), s(value)])).toEqual([
      ['b', 'new'], ['c', 'cached'], ['e', 'back'], ['g', 'stored'],
    ]);
    await store.flush();
    store.put(b('f'), b('after-flush'));
    expect([...store.all()].map(({ key }) => s(key))).toEqual(['a', 'b', 'c', 'e', 'f', 'g', 'z']);
  });

  it('counts hits and misses in the shared cache', async () => {
    const cache = new RecordCache(1024);
    const { store } = await cachedStore(cache);
    store.put(b('k'), b('v'));
    store.get(b('k'));
    store.get(b('absent'));
    store.get(b('k'));
    expect(cache.metrics()).toMatchObject({ hits: 2, misses: 1 });
  });
});
