import { afterEach, describe, expect, it } from 'vitest';
import { Serdes } from '../../../src/serde/index.js';
import { ChangelogRestorer } from '../../../src/state/changelog-restorer.js';
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

describe.each(suppliers)('window store (%s)', (_, supplier) => {
  async function open(changelog = new CapturingChangelog(), stateDir?: string) {
    const store = Stores.windowStoreBuilder(supplier(), Serdes.string(), Serdes.int32()).build();
    await store.init(storeContext({ changelog, stateDir: stateDir ?? (await tempDir(dirs)) }));
    return store;
  }

  it('puts and fetches windows by key and time range, ignoring keys that merely share a prefix', async () => {
    const store = await open();
    store.put('a', 1, 0);
    store.put('a', 2, 10_000);
    store.put('a', 3, 20_000);
    store.put('ab', 9, 10_000);
    store.put('b', 5, 10_000);
    expect(store.get('a', 10_000)).toBe(2);
    expect(store.get('a', 5_000)).toBeUndefined();
    expect([...store.fetch('a', 5_000, 20_000)]).toEqual([
      { windowStart: 10_000, value: 2 },
      { windowStart: 20_000, value: 3 },
    ]);
    expect([...store.fetch('a', 0, Number.MAX_SAFE_INTEGER)].map((w) => w.value)).toEqual([1, 2, 3]);
    expect([...store.fetchAll(10_000, 10_000)]).toEqual([
      { key: 'a', windowStart: 10_000, windowEnd: 20_000, value: 2 },
      { key: 'ab', windowStart: 10_000, windowEnd: 20_000, value: 9 },
      { key: 'b', windowStart: 10_000, windowEnd: 20_000, value: 5 },
    ]);
    store.put('a', null as unknown as number, 10_000); // a null value deletes the window
    expect([...store.fetch('a', 0, 30_000)].map((w) => w.windowStart)).toEqual([0, 20_000]);
    await store.close();
  });

  it('drops windows past retention, on write and on read, and ignores late writes to them', async () => {
    const store = await open();
    store.put('k', 1, 0);
    store.put('k', 2, 15_000);
    store.put('k', 3, 35_000); // retention now starts at 5_001: window 0 expired
    expect(store.get('k', 0)).toBeUndefined();
    expect([...store.fetch('k', 0, 40_000)].map((w) => w.windowStart)).toEqual([15_000, 35_000]);
    store.put('k', 4, 1_000); // too late: dropped
    expect(store.get('k', 1_000)).toBeUndefined();
    expect(store.metrics()).toMatchObject({ puts: 4, expiredPuts: 1 });
    store.put('k', 5, 60_000); // retention now starts at 30_001
    expect([...store.fetchAll(0, 100_000)].map((w) => w.windowStart)).toEqual([35_000, 60_000]);
    await store.close();
  });

  it('logs retained writes with [key][window start] keys and restores them into segments', async () => {
    const changelog = new CapturingChangelog();
    const store = await open(changelog);
    store.put('k', 7, 10_000);
    store.put('k', 8, 0);
    expect(changelog.records.map((r) => [r.topic, r.key, r.value?.readInt32BE(0)])).toEqual([
      ['app-clicks-changelog', windowKey(Buffer.from('k'), 10_000), 7],
      ['app-clicks-changelog', windowKey(Buffer.from('k'), 0), 8],
    ]);
    expect(windowKey(Buffer.from('k'), 10_000).toString('hex')).toBe('6b' + '000000000000' + '2710');
    await store.close();

    // Replay the captured records as the broker would hand them back.
    const replay = changelog.records.map((r, offset) => ({ ...r, offset }));
    const restored = await open();
    const result = await new ChangelogRestorer({
      endOffsets: async () => [0, 0, 0, replay.length],
      readPartition: async (_tp, from, to, onBatch) => onBatch(replay.slice(from, to)),
    }).restore({ store: restored, topic: 'app-clicks-changelog', partition: 3, checkpoint: undefined });
    expect(result.restored).toBe(2);
    expect([...restored.fetch('k', 0, 20_000)]).toEqual([
      { windowStart: 0, value: 8 },
      { windowStart: 10_000, value: 7 },
    ]);
    await restored.close();
  });
});

describe('window store restore', () => {
  it('drops restored windows that newer restored windows pushed out of retention', async () => {
    const keyOf = (start: number) => windowKey(Buffer.from('k'), start);
    const value = Buffer.from([0, 0, 0, 1]);
    const replay = [0, 10_000, 100_000].map((start, offset) => ({
      topic: 'app-w-changelog', partition: 3, offset, key: keyOf(start), value, timestamp: start, headers: {},
    }));
    const store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', OPTIONS), Serdes.string(), Serdes.int32())
      .withLoggingDisabled()
      .build();
    await store.init(storeContext());
    await new ChangelogRestorer({
      endOffsets: async () => [0, 0, 0, replay.length],
      readPartition: async (_tp, from, to, onBatch) => onBatch(replay.slice(from, to)),
    }).restore({ store, topic: 'app-w-changelog', partition: 3, checkpoint: undefined });
    expect([...store.fetchAll(0, 200_000)].map((w) => w.windowStart)).toEqual([100_000]);
    expect(store.get('k', 0)).toBeUndefined();
  });
});

describe('LevelDB window store across restarts', () => {
  it('remembers the observed stream time, so retention still applies when nothing is restored', async () => {
    const stateDir = await tempDir(dirs);
    const open = async () => {
      const store = Stores.windowStoreBuilder(Stores.persistentWindowStore('w', OPTIONS), Serdes.string(), Serdes.int32())
        .withLoggingDisabled()
        .build();
      await store.init(storeContext({ stateDir }));
      return store;
    };
    const store = await open();
    store.put('k', 1, 10_000);
    store.put('k', 2, 50_000);
    await store.flush();
    await store.close();

    const again = await open();
    again.put('k', 3, 12_000); // behind retention of the time seen before the restart
    expect([...again.fetch('k', 0, 100_000)]).toEqual([{ windowStart: 50_000, value: 2 }]);
    await again.close();
  });

  it('sets a compacted and time-deleted changelog a day beyond retention', () => {
    const builder = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', OPTIONS), Serdes.string(), Serdes.int32());
    expect(builder.changelogConfig).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': String(30_000 + 86_400_000) });
    expect(() => Stores.inMemoryWindowStore('w', { windowSizeMs: 10, retentionMs: 5 })).toThrow(
      "window store 'w': retention (5 ms) is shorter than the window size (10 ms)",
    );
  });
});
