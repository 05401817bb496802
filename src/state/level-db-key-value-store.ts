/**
 * The persistent bytes store: LevelDB through classic-level, one database per store under the
 * task directory (`<taskDir>/leveldb/<storeName>`).
 *
 * Reads are synchronous (`getSync`, ~50x faster than the async `get`). Writes are buffered in
 * memory and applied with one `batch()` per `flush()`: LevelDB writes are only fast in batches.
 * Reads look at the buffer first, then at batches handed to LevelDB but not yet confirmed, then
 * at the database, so a read always sees the latest write.
 *
 * classic-level iterators are async only, so the store also keeps every key (not values) in a
 * `SortedKeySet`, loaded at `init`: that is what makes `range` and `all` synchronous. The cost is
 * memory for the keys; values stay on disk.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { KeyValue, KeyValueBytesStore, RestoreRecord } from './key-value-store.js';
import { SortedBytesStore } from './sorted-bytes-store.js';
import { keyBuffer, keyString } from './sorted-key-set.js';
import type { StateStoreContext } from './types.js';

type Db = ClassicLevel<Buffer, Buffer>;
type Write = { readonly key: Buffer; readonly value: Buffer | null };

/** During restore, buffered writes are handed to LevelDB every this many keys, to bound memory. */
const RESTORE_WRITE_THRESHOLD = 20_000;
const KEY_LOAD_BATCH = 10_000;

export class LevelDbKeyValueStore extends SortedBytesStore implements KeyValueBytesStore {
  readonly persistent = true;
  private db: Db | undefined;
  private location = '';
  /** Writes since the last flush, by key; a `null` value is a delete. */
  private pending = new Map<string, Write>();
  /** Batches handed to LevelDB and not yet confirmed, oldest first: still served to reads. */
  private readonly writing: Map<string, Write>[] = [];
  /** Batches are chained so they reach LevelDB in order (the thread pool could reorder them). */
  private lastWrite: Promise<void> = Promise.resolve();
  private writeError: Error | undefined;

  async init(context: StateStoreContext): Promise<void> {
    if (context.stateDir === undefined) {
      throw new Error(`persistent store '${this.name}' of task ${context.taskId} needs a state directory`);
    }
    this.location = join(context.stateDir, 'leveldb', this.name);
    await this.open();
  }

  get(key: Buffer): Buffer | undefined {
    if (this.pending.size > 0 || this.writing.length > 0) {
      const buffered = this.buffered(keyString(key));
      if (buffered !== undefined) return buffered.value ?? undefined;
    }
    return this.database().getSync(key);
  }

  put(key: Buffer, value: Buffer): void {
    const k = keyString(key);
    this.pending.set(k, { key, value });
    this.keys.add(k);
  }

  delete(key: Buffer): Buffer | undefined {
    const existing = this.get(key);
    if (existing === undefined) return undefined;
    const k = keyString(key);
    this.pending.set(k, { key, value: null });
    this.keys.delete(k);
    return existing;
  }

  *range(from: Buffer | undefined, to: Buffer | undefined): IterableIterator<KeyValue<Buffer, Buffer>> {
    for (const k of this.keyRange(from, to)) {
      const buffered = this.buffered(k);
      if (buffered !== undefined) {
        if (buffered.value !== null) yield { key: buffered.key, value: buffered.value };
        continue;
      }
      const key = keyBuffer(k);
      const value = this.database().getSync(key);
      if (value !== undefined) yield { key, value };
    }
  }

  approximateNumEntries(): number {
    return this.keys.size;
  }

  restoreBatch(records: readonly RestoreRecord[]): void {
    for (const { key, value } of records) {
      if (key === null) continue;
      const k = keyString(key);
      // No read of the old value: a changelog delete of an absent key is harmless here.
      this.pending.set(k, { key, value });
      if (value === null) this.keys.delete(k);
      else this.keys.add(k);
    }
    // Restore cannot wait between batches (the reader's callback is synchronous), so writes go to
    // LevelDB in the background as they pile up; `flush()` at the end waits for all of them.
    if (this.pending.size >= RESTORE_WRITE_THRESHOLD) this.startWrite();
  }

  async flush(): Promise<void> {
    this.startWrite();
    await this.lastWrite;
    if (this.writeError) throw this.writeError;
  }

  async wipe(): Promise<void> {
    await this.lastWrite;
    this.pending = new Map();
    this.writing.length = 0;
    this.writeError = undefined;
    this.keys.clear();
    await this.database().close();
    this.db = undefined;
    await rm(this.location, { recursive: true, force: true });
    await this.open();
  }

  /**
   * Writes not flushed are dropped: a task flushes before a clean close, and after a failure the
   * store must not get ahead of its last checkpoint (restore would then apply records twice).
   */
  async close(): Promise<void> {
    if (this.db === undefined) return;
    await this.lastWrite;
    this.pending = new Map();
    await this.db.close();
    this.db = undefined;
  }

  private async open(): Promise<void> {
    await mkdir(this.location, { recursive: true });
    const db: Db = new ClassicLevel<Buffer, Buffer>(this.location, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const iterator = db.keys();
    try {
      for (;;) {
        const batch = await iterator.nextv(KEY_LOAD_BATCH);
        if (batch.length === 0) break;
        for (const key of batch) this.keys.add(keyString(key));
      }
    } finally {
      await iterator.close();
    }
    this.db = db;
  }

  private database(): Db {
    if (this.db === undefined) throw new Error(`store '${this.name}' is not open`);
    return this.db;
  }

  private buffered(k: string): Write | undefined {
    const pending = this.pending.get(k);
    if (pending !== undefined) return pending;
    for (let i = this.writing.length - 1; i >= 0; i -= 1) {
      const write = this.writing[i].get(k);
      if (write !== undefined) return write;
    }
    return undefined;
  }

  private startWrite(): void {
    if (this.pending.size === 0) return;
    const writes = this.pending;
    this.pending = new Map();
    this.writing.push(writes);
    const db = this.database();
    this.lastWrite = this.lastWrite
      .then(() => {
        // After a failed batch nothing later may be written: it would be applied out of order.
        if (this.writeError) throw this.writeError;
        const ops = [];
        for (const { key, value } of writes.values()) {
          ops.push(value === null ? { type: 'del' as const, key } : { type: 'put' as const, key, value });
        }
        return db.batch(ops);
      })
      .then(
        () => void this.writing.shift(),
        (err: unknown) => {
          this.writeError ??= new Error(`writing to store '${this.name}' at ${this.location} failed`, { cause: err });
        },
      );
  }
}
