/**
 * A minimal typed in-memory key-value store for tests of the store plumbing (building, opening,
 * connecting, flushing, closing). Real stores live in src/state/.
 */
import type { StateStore, StateStoreContext, StoreBuilder } from '../../../../src/state/types.js';

export class TestKeyValueStore<K, V> implements StateStore {
  readonly persistent = false;
  readonly entries = new Map<K, V>();
  openedWith: StateStoreContext | undefined;
  flushes = 0;
  closed = false;

  constructor(readonly name: string) {}

  async init(context: StateStoreContext): Promise<void> {
    this.openedWith = context;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  put(key: K, value: V): void {
    this.entries.set(key, value);
  }

  async flush(): Promise<void> {
    this.flushes++;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A builder that remembers every store it built (one per task). */
export function testStoreBuilder<K, V>(name: string, loggingEnabled = false): StoreBuilder<TestKeyValueStore<K, V>> & { built: TestKeyValueStore<K, V>[] } {
  const built: TestKeyValueStore<K, V>[] = [];
  return {
    name,
    loggingEnabled,
    built,
    build() {
      const store = new TestKeyValueStore<K, V>(name);
      built.push(store);
      return store;
    },
  };
}
