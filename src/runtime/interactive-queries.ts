/**
 * Interactive queries: read-only views of this instance's local state, across all its tasks.
 * A key lives in exactly one task (the one consuming its partition), so point lookups ask each
 * local task's store until one answers; range scans concatenate the tasks' results, each task's in
 * key order (there is no global order across tasks, as in Kafka Streams).
 *
 * Views read live stores: what they return reflects processing up to now, including uncommitted
 * updates still in a cache.
 */
import type { KeyValue, KeyValueStore } from '../state/key-value-store.js';
import type { SessionEntry, SessionStore } from '../state/session-store.js';
import type { WindowedEntry, WindowedValue, WindowStore } from '../state/window-store.js';

export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined;
  /** Keys from `from` to `to` inclusive (`undefined`: unbounded), task by task. */
  range(from: K | undefined, to: K | undefined): KeyValue<K, V>[];
  all(): KeyValue<K, V>[];
  approximateNumEntries(): number;
}

export interface ReadOnlyWindowStore<K, V> {
  /** The key's windows starting in `[timeFrom, timeTo]`, oldest first. */
  fetch(key: K, timeFrom: number, timeTo: number): WindowedValue<V>[];
  fetchAll(timeFrom: number, timeTo: number): WindowedEntry<K, V>[];
}

export interface ReadOnlySessionStore<K, V> {
  /** The key's sessions overlapping `[earliestSessionEnd, latestSessionStart]`. */
  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): SessionEntry<K, V>[];
}

export class StoreNotQueryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotQueryableError';
  }
}

export function keyValueView<K, V>(stores: () => KeyValueStore<K, V>[]): ReadOnlyKeyValueStore<K, V> {
  return {
    get(key) {
      for (const store of stores()) {
        const value = store.get(key);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    range: (from, to) => stores().flatMap((store) => [...store.range(from, to)]),
    all: () => stores().flatMap((store) => [...store.all()]),
    approximateNumEntries: () => stores().reduce((sum, store) => sum + store.approximateNumEntries(), 0),
  };
}

export function windowView<K, V>(stores: () => WindowStore<K, V>[]): ReadOnlyWindowStore<K, V> {
  return {
    fetch(key, timeFrom, timeTo) {
      for (const store of stores()) {
        const windows = [...store.fetch(key, timeFrom, timeTo)];
        if (windows.length > 0) return windows;
      }
      return [];
    },
    fetchAll: (timeFrom, timeTo) => stores().flatMap((store) => [...store.fetchAll(timeFrom, timeTo)]),
  };
}

export function sessionView<K, V>(stores: () => SessionStore<K, V>[]): ReadOnlySessionStore<K, V> {
  return {
    findSessions(key, earliestSessionEnd, latestSessionStart) {
      for (const store of stores()) {
        const sessions = [...store.findSessions(key, earliestSessionEnd, latestSessionStart)];
        if (sessions.length > 0) return sessions;
      }
      return [];
    },
  };
}
