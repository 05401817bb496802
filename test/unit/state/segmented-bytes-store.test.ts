import { describe, expect, it } from 'vitest';
import { InMemoryKeyValueStore } from '../../../src/state/in-memory-key-value-store.js';
import { PrefixSegmentedBytesStore } from '../../../src/state/segmented-bytes-store.js';
import { windowKey, windowKeySchema } from '../../../src/state/window-store.js';
import { storeContext } from './helpers.js';

const v = Buffer.from('v');

async function open() {
  const inner = new InMemoryKeyValueStore('w');
  // Retention 30 s in 10 s segments.
  const store = new PrefixSegmentedBytesStore(inner, windowKeySchema, 30_000, 10_000);
  await store.init(storeContext());
  return { inner, store };
}

describe('PrefixSegmentedBytesStore', () => {
  it('deletes whole expired segments from the store below as stream time advances', async () => {
    const { inner, store } = await open();
    for (let start = 0; start < 30_000; start += 1_000) store.put(windowKey(Buffer.from('k'), start), v);
    expect(inner.approximateNumEntries()).toBe(30);
    store.put(windowKey(Buffer.from('k'), 45_000), v); // retention from 15_001: segment 0 (0..9_999) goes
    expect(inner.approximateNumEntries()).toBe(21);
    expect(store.minLiveTime()).toBe(15_001);
    // Segment 1 stays (it still holds live windows); its old windows are only hidden from reads.
    expect(store.get(windowKey(Buffer.from('k'), 12_000))).toBeUndefined();
    expect(store.get(windowKey(Buffer.from('k'), 16_000))).toEqual(v);
  });

  it('drops, during restore, records that later records pushed out of retention', async () => {
    const { inner, store } = await open();
    const target = store.restoreTarget();
    target.restoreBatch([0, 5_000, 12_000, 100_000].map((start) => ({ key: windowKey(Buffer.from('k'), start), value: v })));
    await target.flush();
    // Only the window at 100_000, plus the stored observed stream time.
    expect(inner.approximateNumEntries()).toBe(2);
    expect(store.observedStreamTime).toBe(100_000);
  });

  it('ranges over the live segments only, in segment then key order', async () => {
    const { store } = await open();
    store.put(windowKey(Buffer.from('b'), 21_000), v);
    store.put(windowKey(Buffer.from('a'), 25_000), v);
    store.put(windowKey(Buffer.from('b'), 31_000), v);
    const keys = [...store.range(undefined, undefined, 0, 100_000)].map(({ key }) => [
      key.subarray(0, 1).toString(),
      key.readUIntBE(3, 6),
    ]);
    expect(keys).toEqual([['a', 25_000], ['b', 21_000], ['b', 31_000]]);
  });
});
