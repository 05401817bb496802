/**
 * The restore target of a caching layer. Restore writes below the cache, so cached entries of the
 * keys it touches would then be stale: they are dropped first (usually there are none: restore
 * runs before processing). A wipe empties the cache too.
 */
import type { ChangelogRestoreTarget } from './key-value-store.js';
import { keyString } from './sorted-key-set.js';

export interface CacheInvalidation<E> {
  /** Drops a cached entry whose key the restore touches. */
  forget(k: string, entry: E): void;
  /** Runs after the entries of a batch were dropped, before the batch goes below. */
  afterForget?(): void;
  /** Empties the cache, before the store below is wiped. */
  clear(): void;
}

export function cacheRestoreTarget<E>(
  target: ChangelogRestoreTarget,
  entries: ReadonlyMap<string, E>,
  cache: CacheInvalidation<E>,
): ChangelogRestoreTarget {
  return {
    restoreBatch: (records) => {
      if (entries.size > 0) {
        for (const { key } of records) {
          if (key === null) continue;
          const k = keyString(key);
          const entry = entries.get(k);
          if (entry !== undefined) cache.forget(k, entry);
        }
      }
      cache.afterForget?.();
      target.restoreBatch(records);
    },
    wipe: async () => {
      cache.clear();
      await target.wipe();
    },
    flush: () => target.flush(),
  };
}
