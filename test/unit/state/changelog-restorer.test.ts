import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Serdes } from '../../../src/serde/index.js';
import { CheckpointFile, checkpointKey } from '../../../src/state/checkpoint-file.js';
import {
  ChangelogRestorer,
  isRestorable,
  type RestoreEnd,
  type RestoreProgress,
  type RestoreStart,
} from '../../../src/state/changelog-restorer.js';
import type { MeteredKeyValueStore } from '../../../src/state/metered-key-value-store.js';
import { changelogTopicName } from '../../../src/state/store-context.js';
import { Stores } from '../../../src/state/stores.js';
import { ArrayChangelog, CapturingChangelog, cleanup, storeContext, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => cleanup(dirs));

const TOPIC = changelogTopicName('app', 'counts');
const PARTITION = 3;

/** A persistent, cached, logged store for task 0_3, opened on `taskDir`. */
async function openStore(taskDir: string, changelog = new CapturingChangelog()) {
  const store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.string(), Serdes.string())
    .withCachingEnabled()
    .build();
  await store.init(storeContext({ stateDir: taskDir, changelog }));
  return store;
}

function contents(store: MeteredKeyValueStore<string, string>): Record<string, string> {
  return Object.fromEntries([...store.all()].map(({ key, value }) => [key, value]));
}

/** Appends `count` records over `keys` keys: the i-th record sets key k<i % keys> to "v<its offset>". */
function fillChangelog(source: ArrayChangelog, count: number, keys: number): void {
  for (let i = 0; i < count; i += 1) {
    source.append(TOPIC, PARTITION, `k${i % keys}`, `v${source.endOffset(TOPIC, PARTITION)}`);
  }
}

class RecordingListener {
  starts: RestoreStart[] = [];
  batches: RestoreProgress[] = [];
  ends: RestoreEnd[] = [];
  onRestoreStart(start: RestoreStart) {
    this.starts.push(start);
  }
  onBatchRestored(progress: RestoreProgress) {
    this.batches.push(progress);
  }
  onRestoreEnd(end: RestoreEnd) {
    this.ends.push(end);
  }
}

describe('ChangelogRestorer', () => {
  it('wipes a store with no checkpoint and restores it in full, reporting progress', async () => {
    const taskDir = await tempDir(dirs);
    const stale = await openStore(taskDir);
    stale.put('local-only', 'x'); // on disk, but not in the changelog
    await stale.flush();
    await stale.close();

    const source = new ArrayChangelog(4, 100);
    fillChangelog(source, 1_000, 10);
    source.append(TOPIC, PARTITION, 'k9', null); // a tombstone
    const listener = new RecordingListener();
    const store = await openStore(taskDir);
    expect(isRestorable(store)).toBe(true);
    const result = await new ChangelogRestorer(source, { listener }).restore({
      store,
      topic: TOPIC,
      partition: PARTITION,
      checkpoint: undefined,
    });

    expect(result).toEqual({ restored: 1_001, fullRestore: true, endOffset: 1_001 });
    expect(source.reads).toEqual([{ from: 0, to: 1_001 }]);
    expect(store.get('local-only')).toBeUndefined();
    expect(store.get('k9')).toBeUndefined();
    expect(store.get('k3')).toBe('v993');
    expect(store.approximateNumEntries()).toBe(9);
    expect(listener.starts).toEqual([
      { storeName: 'counts', topic: TOPIC, partition: PARTITION, startOffset: 0, endOffset: 1_001, fullRestore: true },
    ]);
    expect(listener.batches).toHaveLength(11);
    expect(listener.batches.map((p) => p.restored)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000, 1_001]);
    expect(listener.batches.at(-1)).toMatchObject({ offset: 1_000, etaMs: 0 });
    expect(listener.batches.every((p) => p.recordsPerSecond > 0)).toBe(true);
    expect(listener.ends).toMatchObject([{ restored: 1_001 }]);
    await store.close();
  });

  it('restores only what follows a valid checkpoint into a store that kept its data', async () => {
    const taskDir = await tempDir(dirs);
    const source = new ArrayChangelog();
    fillChangelog(source, 500, 50);
    const first = await openStore(taskDir);
    const restorer = new ChangelogRestorer(source);
    const initial = await restorer.restore({ store: first, topic: TOPIC, partition: PARTITION, checkpoint: undefined });
    const checkpoint = new CheckpointFile(taskDir);
    await checkpoint.write(new Map([[checkpointKey(TOPIC, PARTITION), initial.endOffset]]));
    await first.close();

    fillChangelog(source, 120, 20); // written elsewhere meanwhile (e.g. by the instance that had the task)
    const store = await openStore(taskDir);
    const offsets = await checkpoint.read();
    const result = await restorer.restore({
      store,
      topic: TOPIC,
      partition: PARTITION,
      checkpoint: offsets.get(checkpointKey(TOPIC, PARTITION)),
    });
    expect(result).toEqual({ restored: 120, fullRestore: false, endOffset: 620 });
    expect(source.reads.at(-1)).toEqual({ from: 500, to: 620 });
    expect(store.get('k0')).toBe('v600'); // overwritten by the delta
    expect(store.get('k30')).toBe('v480'); // untouched by the delta, kept from disk
    expect(store.approximateNumEntries()).toBe(50);

    // Up to date: nothing read.
    const reads = source.reads.length;
    expect(await restorer.restore({ store, topic: TOPIC, partition: PARTITION, checkpoint: 620 })).toEqual({
      restored: 0,
      fullRestore: false,
      endOffset: 620,
    });
    expect(source.reads).toHaveLength(reads);
    await store.close();
  });

  it('treats a corrupt checkpoint as none: wipe, then full restore', async () => {
    const taskDir = await tempDir(dirs);
    const stale = await openStore(taskDir);
    stale.put('k1', 'stale');
    stale.put('extra', 'stale');
    await stale.flush();
    await stale.close();
    const checkpoint = new CheckpointFile(taskDir);
    await writeFile(checkpoint.path, '{"app-counts-changelog:3": 12'); // torn write

    const source = new ArrayChangelog();
    fillChangelog(source, 30, 5);
    const store = await openStore(taskDir);
    const offsets = await checkpoint.read();
    const result = await new ChangelogRestorer(source).restore({
      store,
      topic: TOPIC,
      partition: PARTITION,
      checkpoint: offsets.get(checkpointKey(TOPIC, PARTITION)),
    });
    expect(result).toEqual({ restored: 30, fullRestore: true, endOffset: 30 });
    expect(contents(store)).toEqual({ k0: 'v25', k1: 'v26', k2: 'v27', k3: 'v28', k4: 'v29' });
    await store.close();
  });

  it('restores in full when the checkpoint is beyond the end (changelog recreated) or before the beginning', async () => {
    const taskDir = await tempDir(dirs);
    const source = new ArrayChangelog();
    fillChangelog(source, 10, 10);
    const store = await openStore(taskDir);
    store.put('from-old-changelog', 'x');
    await store.flush();
    const restorer = new ChangelogRestorer(source);
    const beyond = await restorer.restore({ store, topic: TOPIC, partition: PARTITION, checkpoint: 5_000 });
    expect(beyond).toEqual({ restored: 10, fullRestore: true, endOffset: 10 });
    expect(store.get('from-old-changelog')).toBeUndefined();

    const truncated = Object.assign(source, { beginningOffsets: async () => [0, 0, 0, 8] });
    const before = await new ChangelogRestorer(truncated).restore({ store, topic: TOPIC, partition: PARTITION, checkpoint: 2 });
    expect(before).toMatchObject({ restored: 2, fullRestore: true }); // offsets 8 and 9
    expect(source.reads.at(-1)).toEqual({ from: 8, to: 10 });
    await store.close();
  });

  it('restores an in-memory store in full whatever the checkpoint, skipping compacted offsets', async () => {
    const source = new ArrayChangelog();
    fillChangelog(source, 100, 4);
    source.compact(TOPIC, PARTITION, (record) => record.offset >= 96); // only the latest per key left
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.string()).build();
    await store.init(storeContext({ changelog: new CapturingChangelog() }));
    const result = await new ChangelogRestorer(source).restore({ store, topic: TOPIC, partition: PARTITION, checkpoint: 90 });
    expect(result).toEqual({ restored: 4, fullRestore: true, endOffset: 100 });
    expect(contents(store)).toEqual({ k0: 'v96', k1: 'v97', k2: 'v98', k3: 'v99' });
  });

  it('writes the restored records to disk, not to the changelog or the cache listener', async () => {
    const taskDir = await tempDir(dirs);
    const source = new ArrayChangelog(4, 7);
    fillChangelog(source, 50_000, 25_000); // more than one background batch
    const changelog = new CapturingChangelog();
    const store = await openStore(taskDir, changelog);
    const forwarded: string[] = [];
    store.setFlushListener((key) => forwarded.push(key));
    await new ChangelogRestorer(source).restore({ store, topic: TOPIC, partition: PARTITION, checkpoint: undefined });
    await store.flush();
    await store.close();
    expect(changelog.records).toHaveLength(0);
    expect(forwarded).toHaveLength(0);

    const reopened = await openStore(taskDir);
    expect(reopened.approximateNumEntries()).toBe(25_000);
    expect(reopened.get('k24999')).toBe('v49999');
    await reopened.close();
  });

  it('fails clearly when the changelog lacks the partition', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.string())
      .withLoggingDisabled()
      .build();
    await store.init(storeContext());
    await expect(
      new ChangelogRestorer(new ArrayChangelog(2)).restore({ store, topic: TOPIC, partition: PARTITION, checkpoint: undefined }),
    ).rejects.toThrow(`changelog topic ${TOPIC} has no partition 3`);
  });
});
