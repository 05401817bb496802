/**
 * What the metered (typed, outermost) layers of key-value, window and session stores share: the
 * delegation to the bytes store below, the changelog topic their serdes see (set at `init`), key
 * serialization and the operation counters behind `metrics()`.
 */
import type { Serde } from '../serde/types.js';
import type { ChangelogRestoreTarget } from './key-value-store.js';
import { changelogTopicName, type KeyValueStoreContext } from './store-context.js';

/** The bytes store under a metered layer, as far as the shared part uses it. */
export interface MeteredInner {
  readonly name: string;
  readonly persistent: boolean;
  init(context: KeyValueStoreContext): Promise<void>;
  restoreTarget(): ChangelogRestoreTarget;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Mutable counters with the fields of the metrics interface `M`. */
export type Counts<M> = { -readonly [P in keyof M]: number };

export abstract class MeteredStore<K, V, I extends MeteredInner, M extends { readonly flushes: number }> {
  /** The topic handed to the serdes: the changelog topic once initialized. */
  protected topic: string;

  constructor(
    protected readonly inner: I,
    protected readonly keySerde: Serde<K>,
    protected readonly valueSerde: Serde<V>,
    protected readonly counts: Counts<M>,
  ) {
    this.topic = inner.name;
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  async init(context: KeyValueStoreContext): Promise<void> {
    this.topic = changelogTopicName(context.applicationId, this.name);
    await this.inner.init(context);
  }

  restoreTarget(): ChangelogRestoreTarget {
    return this.inner.restoreTarget();
  }

  metrics(): M {
    return { ...this.counts } as M;
  }

  async flush(): Promise<void> {
    this.counts.flushes += 1;
    await this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  protected keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(key, this.topic);
    if (bytes === null) throw new Error(`store '${this.name}' cannot hold a null key`);
    return bytes;
  }
}
