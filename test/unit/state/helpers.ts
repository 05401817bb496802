import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsumedRecord, TopicPartition } from '../../../src/broker/types.js';
import type { ChangelogSource } from '../../../src/state/changelog-restorer.js';
import type { ChangelogRecord, KeyValueStoreContext } from '../../../src/state/store-context.js';

export const b = (text: string): Buffer => Buffer.from(text, 'utf8');
export const s = (bytes: Buffer | undefined): string | undefined => bytes?.toString('utf8');

/** A fresh temp directory per call, removed by `cleanup`. */
export async function tempDir(dirs: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-state-'));
  dirs.push(dir);
  return dir;
}

export async function cleanup(dirs: string[]): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Collects what change-logging stores send. */
export class CapturingChangelog {
  readonly records: ChangelogRecord[] = [];
  send(record: ChangelogRecord): void {
    this.records.push(record);
  }
}

export function storeContext(overrides: Partial<KeyValueStoreContext> = {}): KeyValueStoreContext {
  return { applicationId: 'app', taskId: '0_3', partition: 3, ...overrides };
}

/**
 * A changelog held in arrays, read like the broker's `readPartition`: in batches, in offset order,
 * skipping offsets that compaction removed.
 */
export class ArrayChangelog implements ChangelogSource {
  private readonly partitions = new Map<string, ConsumedRecord[]>();
  private readonly ends = new Map<string, number>();
  reads: { from: number; to: number }[] = [];

  constructor(
    private readonly partitionCount = 4,
    private readonly batchSize = 100,
  ) {}

  append(topic: string, partition: number, key: string, value: string | null, timestamp = 0): number {
    const id = `${topic}:${partition}`;
    const offset = this.ends.get(id) ?? 0;
    const records = this.partitions.get(id) ?? [];
    records.push({ topic, partition, offset, key: b(key), value: value === null ? null : b(value), timestamp, headers: {} });
    this.partitions.set(id, records);
    this.ends.set(id, offset + 1);
    return offset;
  }

  endOffset(topic: string, partition: number): number {
    return this.ends.get(`${topic}:${partition}`) ?? 0;
  }

  /** Drops records as compaction would, keeping offsets (and the end offset) as they were. */
  compact(topic: string, partition: number, keep: (record: ConsumedRecord) => boolean): void {
    const id = `${topic}:${partition}`;
    this.partitions.set(id, (this.partitions.get(id) ?? []).filter(keep));
  }

  async endOffsets(topic: string): Promise<number[]> {
    return Array.from({ length: this.partitionCount }, (_, p) => this.ends.get(`${topic}:${p}`) ?? 0);
  }

  async readPartition(
    target: TopicPartition,
    fromOffset: number,
    toOffset: number,
    onBatch: (records: ConsumedRecord[]) => void,
  ): Promise<void> {
    this.reads.push({ from: fromOffset, to: toOffset });
    const records = (this.partitions.get(`${target.topic}:${target.partition}`) ?? []).filter(
      (r) => r.offset >= fromOffset && r.offset < toOffset,
    );
    for (let i = 0; i < records.length; i += this.batchSize) {
      await Promise.resolve();
      onBatch(records.slice(i, i + this.batchSize));
    }
  }
}
