/**
 * The task's checkpoint: for each changelog partition of its persistent stores, the changelog
 * offset the local store contents correspond to (the next offset to restore from). Restore starts
 * there instead of at the beginning, which is what makes a restart of a big store fast.
 *
 * Stored as JSON `{ "<topic>:<partition>": offset }` and replaced atomically (temp file, fsync,
 * rename): a crash mid-write leaves the old checkpoint or the new one, never half of one. A file
 * that cannot be parsed is treated like no file: the stores are then wiped and restored in full.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { logger as rootLogger, type Logger } from '../logger.js';

export const CHECKPOINT_FILE_NAME = '.checkpoint';

export function checkpointKey(topic: string, partition: number): string {
  // Kafka topic names cannot contain ':'.
  return `${topic}:${partition}`;
}

export class CheckpointFile {
  readonly path: string;
  private readonly log: Logger;

  constructor(taskDir: string, log: Logger = rootLogger) {
    this.path = join(taskDir, CHECKPOINT_FILE_NAME);
    this.log = log.child({ component: 'checkpoint-file' });
  }

  /** Offsets by `checkpointKey`; empty when the file is missing or corrupt. */
  async read(): Promise<Map<string, number>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    const offsets = parse(text);
    if (offsets === undefined) {
      this.log.warn({ path: this.path }, 'checkpoint file is corrupt: ignoring it, stores will be restored in full');
      return new Map();
    }
    return offsets;
  }

  async write(offsets: ReadonlyMap<string, number>): Promise<void> {
    const temp = `${this.path}.${process.pid}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(JSON.stringify(Object.fromEntries(offsets)));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
  }

  async delete(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

function parse(text: string): Map<string, number> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const offsets = new Map<string, number>();
  for (const [key, offset] of Object.entries(data)) {
    if (!/^.+:\d+$/.test(key) || !Number.isSafeInteger(offset) || (offset as number) < 0) return undefined;
    offsets.set(key, offset as number);
  }
  return offsets;
}
