import { describe, expect, it } from 'vitest';
import { ChangeLoggingKeyValueStore } from '../../../src/state/change-logging-key-value-store.js';
import { InMemoryKeyValueStore } from '../../../src/state/in-memory-key-value-store.js';
import { changelogTopicName } from '../../../src/state/store-context.js';
import { b, CapturingChangelog, s, storeContext } from './helpers.js';

describe('ChangeLoggingKeyValueStore', () => {
  it('sends every write to <appId>-<store>-changelog on the task partition, deletes as tombstones', async () => {
    const inner = new InMemoryKeyValueStore('totals');
    const store = new ChangeLoggingKeyValueStore(inner);
    const changelog = new CapturingChangelog();
    let now = 1_000;
    await store.init(storeContext({ applicationId: 'billing', partition: 5, changelog, recordTimestamp: () => now }));

    store.put(b('a'), b('1'));
    now = 2_000;
    store.put(b('a'), b('2'));
    expect(s(store.putIfAbsent(b('a'), b('3')))).toBe('2'); // present: nothing written, nothing logged
    store.putIfAbsent(b('b'), b('4'));
    expect(s(store.delete(b('a')))).toBe('2');
    store.delete(b('never-there')); // nothing deleted: no tombstone

    expect(changelog.records.map((r) => [r.topic, r.partition, s(r.key), r.value === null ? null : s(r.value), r.timestamp])).toEqual([
      ['billing-totals-changelog', 5, 'a', '1', 1_000],
      ['billing-totals-changelog', 5, 'a', '2', 2_000],
      ['billing-totals-changelog', 5, 'b', '4', 2_000],
      ['billing-totals-changelog', 5, 'a', null, 2_000],
    ]);
    expect(changelog.records.every((r) => Object.keys(r.headers).length === 0)).toBe(true);
    expect(s(inner.get(b('b')))).toBe('4');
    expect(inner.get(b('a'))).toBeUndefined();
  });

  it('restores into the store below without logging', async () => {
    const inner = new InMemoryKeyValueStore('totals');
    const store = new ChangeLoggingKeyValueStore(inner);
    const changelog = new CapturingChangelog();
    await store.init(storeContext({ changelog }));
    expect(store.restoreTarget()).toBe(inner);
    store.restoreTarget().restoreBatch([{ key: b('k'), value: b('v') }]);
    expect(s(store.get(b('k')))).toBe('v');
    expect(changelog.records).toHaveLength(0);
  });

  it('fails to open without a changelog writer, naming the store and task', async () => {
    const store = new ChangeLoggingKeyValueStore(new InMemoryKeyValueStore('totals'));
    await expect(store.init(storeContext())).rejects.toThrow(
      "store 'totals' of task 0_3 logs its changes, but the task gave it no changelog writer",
    );
  });

  it('names changelog topics like Kafka Streams', () => {
    expect(changelogTopicName('my-app', 'counts')).toBe('my-app-counts-changelog');
  });
});
