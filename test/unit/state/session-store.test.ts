import { afterEach, describe, expect, it } from 'vitest';
import { Serdes } from '../../../src/serde/index.js';
import { ChangelogRestorer } from '../../../src/state/changelog-restorer.js';
import { sessionKey } from '../../../src/state/session-store.js';
import { Stores } from '../../../src/state/stores.js';
import { CapturingChangelog, cleanup, storeContext, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => cleanup(dirs));

const OPTIONS = { retentionMs: 30_000, segmentIntervalMs: 10_000 };

const suppliers = [
  ['in-memory', () => Stores.inMemorySessionStore('sessions', OPTIONS)],
  ['LevelDB', () => Stores.persistentSessionStore('sessions', OPTIONS)],
] as const;

describe.each(suppliers)('session store (%s)', (_, supplier) => {
  async function open(changelog = new CapturingChangelog()) {
    const store = Stores.sessionStoreBuilder(supplier(), Serdes.string(), Serdes.int32()).build();
    await store.init(storeContext({ changelog, stateDir: await tempDir(dirs) }));
    return store;
  }

  it('finds the sessions that end at or after the earliest end and start at or before the latest start', async () => {
    const store = await open();
    store.put('u', 0, 1_000, 1);
    store.put('u', 5_000, 8_000, 2);
    store.put('u', 20_000, 21_000, 3);
    store.put('u2', 5_000, 8_000, 9); // a key with 'u' as prefix: never matched for 'u'
    // A record at 9_000 with a 2_000 gap touches sessions ending >= 7_000 and starting <= 11_000.
    expect([...store.findSessions('u', 7_000, 11_000)]).toEqual([{ key: 'u', start: 5_000, end: 8_000, value: 2 }]);
    expect([...store.findSessions('u', 0, 100_000)].map((s) => s.value)).toEqual([1, 2, 3]);
    expect([...store.findSessions('u', 1_001, 4_999)]).toEqual([]);
    expect(store.fetchSession('u', 5_000, 8_000)).toBe(2);

    // Merging: remove the old session, put the merged one.
    store.remove('u', 5_000, 8_000);
    store.put('u', 5_000, 9_000, 4);
    expect([...store.findSessions('u', 7_000, 11_000)].map((s) => [s.start, s.end, s.value])).toEqual([[5_000, 9_000, 4]]);
    expect(store.metrics()).toMatchObject({ puts: 5, removes: 1, finds: 4, gets: 1 });
    await store.close();
  });

  it('expires sessions by end time behind the latest end seen', async () => {
    const store = await open();
    store.put('u', 0, 1_000, 1);
    store.put('u', 10_000, 15_000, 2);
    store.put('u', 40_000, 40_000, 3); // retention starts at 10_001
    expect([...store.findSessions('u', 0, 100_000)].map((s) => s.value)).toEqual([2, 3]);
    store.put('u', 2_000, 3_000, 4); // ended too long ago: dropped
    expect(store.fetchSession('u', 2_000, 3_000)).toBeUndefined();
    expect(store.metrics().expiredPuts).toBe(1);
    expect(() => store.put('u', 5, 4, 0)).toThrow('a session cannot end (4) before it starts (5)');
    await store.close();
  });

  it('logs [key][end][start] keys, with tombstones for removals, and restores from them', async () => {
    const changelog = new CapturingChangelog();
    const store = await open(changelog);
    store.put('u', 100, 200, 1);
    store.put('u', 300, 400, 2);
    store.remove('u', 100, 200);
    expect(changelog.records.map((r) => [r.key, r.value === null ? null : r.value.readInt32BE(0)])).toEqual([
      [sessionKey(Buffer.from('u'), 100, 200), 1],
      [sessionKey(Buffer.from('u'), 300, 400), 2],
      [sessionKey(Buffer.from('u'), 100, 200), null],
    ]);
    await store.close();

    const replay = changelog.records.map((r, offset) => ({ ...r, offset }));
    const restored = await open();
    await new ChangelogRestorer({
      endOffsets: async () => [0, 0, 0, replay.length],
      readPartition: async (_tp, from, to, onBatch) => onBatch(replay.slice(from, to)),
    }).restore({ store: restored, topic: 'app-sessions-changelog', partition: 3, checkpoint: undefined });
    expect([...restored.findSessions('u', 0, 1_000)]).toEqual([{ key: 'u', start: 300, end: 400, value: 2 }]);
    await restored.close();
  });
});
