/**
 * Rebuilds a store from its changelog before its task processes anything.
 *
 * A persistent store whose checkpoint is valid only replays the changelog from the checkpoint
 * (what was written after the last commit). Otherwise the store is wiped and the changelog
 * replayed from its beginning: when there is no checkpoint (first start, or a crash under which
 * local contents may be ahead of the changelog), when the checkpoint is corrupt, when it lies
 * beyond the changelog's end (the topic was recreated) or before its beginning (records were
 * deleted). In-memory stores always restore in full.
 *
 * Records go straight to the innermost store: replaying them must not be cached, re-logged or
 * forwarded downstream.
 */
import type { Broker, IsolationLevel } from '../broker/types.js';
import { logger as rootLogger, type Logger } from '../logger.js';
import type { ChangelogRestoreTarget } from './key-value-store.js';
import type { StateStore } from './types.js';

/** What restore needs from the broker (a `Broker` fits as is). */
export type ChangelogSource = Pick<Broker, 'readPartition' | 'endOffsets'> & Partial<Pick<Broker, 'beginningOffsets'>>;

export interface RestorableStore extends StateStore {
  restoreTarget(): ChangelogRestoreTarget;
}

export function isRestorable(store: StateStore): store is RestorableStore {
  return typeof (store as Partial<RestorableStore>).restoreTarget === 'function';
}

export interface RestoreStart {
  readonly storeName: string;
  readonly topic: string;
  readonly partition: number;
  readonly startOffset: number;
  /** Exclusive: the changelog's end offset when restore started. */
  readonly endOffset: number;
  readonly fullRestore: boolean;
}

export interface RestoreProgress extends RestoreStart {
  /** Offset of the last record applied. */
  readonly offset: number;
  readonly restored: number;
  readonly recordsPerSecond: number;
  /** Estimated from offsets still to read (compaction leaves gaps, so an upper bound). */
  readonly etaMs: number;
}

export interface RestoreEnd extends RestoreStart {
  readonly restored: number;
  readonly durationMs: number;
}

export interface RestoreListener {
  onRestoreStart?(start: RestoreStart): void;
  onBatchRestored?(progress: RestoreProgress): void;
  onRestoreEnd?(end: RestoreEnd): void;
}

export interface RestoreRequest {
  readonly store: RestorableStore;
  readonly topic: string;
  readonly partition: number;
  /** The task checkpoint's offset for this changelog partition, if it has one. */
  readonly checkpoint: number | undefined;
}

export interface RestoreResult {
  /** Records applied. */
  readonly restored: number;
  readonly fullRestore: boolean;
  /** The offset the store now corresponds to: what to write to the checkpoint. */
  readonly endOffset: number;
}

export interface ChangelogRestorerOptions {
  listener?: RestoreListener;
  logger?: Logger;
  /** `read_committed` under exactly-once, so that aborted writes are not restored. */
  isolationLevel?: IsolationLevel;
  /** Minimum time between two progress log lines. */
  logIntervalMs?: number;
}

export class ChangelogRestorer {
  private readonly log: Logger;

  constructor(
    private readonly source: ChangelogSource,
    private readonly options: ChangelogRestorerOptions = {},
  ) {
    this.log = (options.logger ?? rootLogger).child({ component: 'changelog-restorer' });
  }

  async restore({ store, topic, partition, checkpoint }: RestoreRequest): Promise<RestoreResult> {
    const target = store.restoreTarget();
    const endOffset = offsetOf(await this.source.endOffsets(topic), topic, partition);
    const beginning = this.source.beginningOffsets
      ? offsetOf(await this.source.beginningOffsets(topic), topic, partition)
      : 0;
    const fullReason = !store.persistent
      ? 'in-memory store'
      : checkpoint === undefined
        ? 'no checkpoint'
        : checkpoint > endOffset
          ? `checkpoint ${checkpoint} is beyond the changelog end ${endOffset}`
          : checkpoint < beginning
            ? `checkpoint ${checkpoint} is before the changelog beginning ${beginning}`
            : undefined;
    if (fullReason !== undefined) await target.wipe();
    const start: RestoreStart = {
      storeName: store.name,
      topic,
      partition,
      startOffset: fullReason === undefined ? checkpoint! : beginning,
      endOffset,
      fullRestore: fullReason !== undefined,
    };
    if (start.startOffset >= endOffset) {
      this.log.debug({ ...start, reason: fullReason }, 'store is up to date with its changelog');
      return { restored: 0, fullRestore: start.fullRestore, endOffset };
    }

    this.log.info({ ...start, reason: fullReason ?? 'from checkpoint' }, 'restoring store from changelog');
    this.options.listener?.onRestoreStart?.(start);
    const startedAt = performance.now();
    const logIntervalMs = this.options.logIntervalMs ?? 10_000;
    let lastLogAt = startedAt;
    let restored = 0;
    await this.source.readPartition(
      { topic, partition },
      start.startOffset,
      endOffset,
      (records) => {
        if (records.length === 0) return;
        target.restoreBatch(records);
        restored += records.length;
        const now = performance.now();
        const offset = records[records.length - 1].offset;
        const progress = this.progress(start, offset, restored, now - startedAt);
        this.options.listener?.onBatchRestored?.(progress);
        if (now - lastLogAt >= logIntervalMs) {
          lastLogAt = now;
          this.log.info(progress, 'restoring store from changelog');
        }
      },
      this.options.isolationLevel ? { isolationLevel: this.options.isolationLevel } : undefined,
    );
    await target.flush();
    const end: RestoreEnd = { ...start, restored, durationMs: Math.round(performance.now() - startedAt) };
    this.options.listener?.onRestoreEnd?.(end);
    this.log.info(end, 'restored store from changelog');
    return { restored, fullRestore: start.fullRestore, endOffset };
  }

  private progress(start: RestoreStart, offset: number, restored: number, elapsedMs: number): RestoreProgress {
    const seconds = Math.max(elapsedMs, 1) / 1000;
    const offsetsPerSecond = (offset + 1 - start.startOffset) / seconds;
    return {
      ...start,
      offset,
      restored,
      recordsPerSecond: Math.round(restored / seconds),
      etaMs: Math.round(((start.endOffset - offset - 1) / offsetsPerSecond) * 1000),
    };
  }
}

function offsetOf(offsets: number[], topic: string, partition: number): number {
  const offset = offsets[partition];
  if (offset === undefined) throw new Error(`changelog topic ${topic} has no partition ${partition}`);
  return offset;
}
