import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryKeyValueStore } from '../../../src/state/in-memory-key-value-store.js';
import type { KeyValueBytesStore } from '../../../src/state/key-value-store.js';
import { LevelDbKeyValueStore } from '../../../src/state/level-db-key-value-store.js';
import { b, cleanup, s, storeContext, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => cleanup(dirs));

const entries = (it: Iterable<{ key: Buffer; value: Buffer }>) => [...it].map(({ key, value }) => [s(key), s(value)]);

const kinds: [string, () => Promise<KeyValueBytesStore>][] = [
  ['InMemoryKeyValueStore', async () => {
    const store: KeyValueBytesStore = new InMemoryKeyValueStore('counts');
    await store.init(storeContext());
    return store;
  }],
  ['LevelDbKeyValueStore', async () => {
    const store = new LevelDbKeyValueStore('counts');
    await store.init(storeContext({ stateDir: await tempDir(dirs) }));
    return store;
  }],
];

describe.each(kinds)('%s', (_, open) => {
  it('gets, puts, overwrites and deletes, returning previous values', async () => {
    const store = await open();
    expect(store.get(b('a'))).toBeUndefined();
    store.put(b('a'), b('1'));
    store.put(b('a'), b('2'));
    expect(s(store.get(b('a')))).toBe('2');
    expect(s(store.putIfAbsent(b('a'), b('3')))).toBe('2');
    expect(store.putIfAbsent(b('b'), b('4'))).toBeUndefined();
    expect(s(store.get(b('b')))).toBe('4');
    expect(s(store.delete(b('a')))).toBe('2');
    expect(store.delete(b('a'))).toBeUndefined();
    expect(store.get(b('a'))).toBeUndefined();
    expect(store.approximateNumEntries()).toBe(1);
    await store.close();
  });

  it('ranges inclusively in key-byte order, before and after a flush', async () => {
    const store = await open();
    for (const key of ['d', 'b', 'e', 'a', 'c']) store.put(b(key), b(key.toUpperCase()));
    expect(entries(store.range(b('b'), b('d')))).toEqual([['b', 'B'], ['c', 'C'], ['d', 'D']]);
    await store.flush();
    store.delete(b('c'));
    store.put(b('bb'), b('BB'));
    expect(entries(store.range(b('b'), b('d')))).toEqual([['b', 'B'], ['bb', 'BB'], ['d', 'D']]);
    expect(entries(store.range(b('d'), b('b')))).toEqual([]);
    expect(entries(store.all()).map(([k]) => k)).toEqual(['a', 'b', 'bb', 'd', 'e']);
    await store.close();
  });

  it('restores a batch in order, nulls deleting', async () => {
    const store = await open();
    store.put(b('gone'), b('x'));
    const target = store.restoreTarget();
    target.restoreBatch([
      { key: b('k'), value: b('1') },
      { key: b('k'), value: b('2') },
      { key: b('gone'), value: null },
      { key: null, value: b('ignored') },
    ]);
    await target.flush();
    expect(entries(store.all())).toEqual([['k', '2']]);
    await target.wipe();
    expect(entries(store.all())).toEqual([]);
    expect(store.get(b('k'))).toBeUndefined();
    await store.close();
  });

  it('has no caching layer to take a flush listener', async () => {
    const store = await open();
    expect(store.setFlushListener(() => {})).toBe(false);
    await store.close();
  });
});

describe('LevelDbKeyValueStore on disk', () => {
  async function reopen(stateDir: string): Promise<LevelDbKeyValueStore> {
    const store = new LevelDbKeyValueStore('counts');
    await store.init(storeContext({ stateDir }));
    return store;
  }

  it('keeps flushed writes across a reopen, keys indexed for ranges again', async () => {
    const stateDir = await tempDir(dirs);
    const store = await reopen(stateDir);
    for (let i = 0; i < 500; i += 1) store.put(b(`k${String(i).padStart(3, '0')}`), b(String(i)));
    store.delete(b('k250'));
    await store.flush();
    await store.close();

    const again = await reopen(stateDir);
    expect(again.approximateNumEntries()).toBe(499);
    expect(s(again.get(b('k042')))).toBe('42');
    expect(again.get(b('k250'))).toBeUndefined();
    expect(entries(again.range(b('k248'), b('k252'))).map(([k]) => k)).toEqual(['k248', 'k249', 'k251', 'k252']);
    await again.close();
  });

  it('drops writes not flushed before close', async () => {
    const stateDir = await tempDir(dirs);
    const store = await reopen(stateDir);
    store.put(b('flushed'), b('1'));
    await store.flush();
    store.put(b('unflushed'), b('2'));
    store.delete(b('flushed'));
    await store.close();

    const again = await reopen(stateDir);
    expect(s(again.get(b('flushed')))).toBe('1');
    expect(again.get(b('unflushed'))).toBeUndefined();
    await again.close();
  });

  it('serves reads from a batch still being written', async () => {
    const store = await reopen(await tempDir(dirs));
    store.put(b('a'), b('1'));
    const flushing = store.flush();
    expect(s(store.get(b('a')))).toBe('1');
    store.put(b('a'), b('2'));
    expect(s(store.get(b('a')))).toBe('2');
    await flushing;
    await store.flush();
    expect(s(store.get(b('a')))).toBe('2');
    await store.close();
  });

  it('wipes its files: a reopened store is empty', async () => {
    const stateDir = await tempDir(dirs);
    const store = await reopen(stateDir);
    store.put(b('a'), b('1'));
    await store.flush();
    await store.restoreTarget().wipe();
    await store.close();
    const again = await reopen(stateDir);
    expect(again.approximateNumEntries()).toBe(0);
    expect(again.get(b('a'))).toBeUndefined();
    await again.close();
  });

  it('refuses to open without a state directory', async () => {
    await expect(new LevelDbKeyValueStore('counts').init(storeContext())).rejects.toThrow(
      "persistent store 'counts' of task 0_3 needs a state directory",
    );
  });
});
