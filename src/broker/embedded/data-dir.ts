/**
 * Persistence of an embedded broker under one directory:
 *
 *   <dir>/.lock                       pid of the process that has the directory open
 *   <dir>/topics.json                 topic specs
 *   <dir>/offsets.json                committed offsets: group -> topic -> partition -> offset
 *   <dir>/logs/<topic>/<n>.log        one append-only segment per partition (segment-codec.ts)
 *
 * Writes are synchronous and unbuffered, one write per append call, so whatever a send or commit
 * acknowledged survives a crash of the process (not of the machine: there is no fsync).
 * JSON files are replaced atomically (write aside, then rename).
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TopicSpec } from '../types.js';
import { decodeSegment } from './segment-codec.js';
import type { LogEntry } from './partition-log.js';

/** group -> topic -> partition -> next offset to read */
export type PersistedOffsets = Record<string, Record<string, Record<string, number>>>;

/** Directories opened by this process, to tell a stale lock carrying a reused pid from a live one. */
const openInThisProcess = new Set<string>();

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readJson<T>(path: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
}

function writeJsonAtomically(path: string, value: unknown): void {
  const aside = `${path}.tmp`;
  writeFileSync(aside, JSON.stringify(value));
  renameSync(aside, path);
}

/** An open segment file; appends go straight to the OS. */
export class SegmentFile {
  constructor(private readonly fd: number) {}

  append(bytes: Buffer): void {
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export class DataDir {
  private readonly segments = new Map<string, SegmentFile[]>();

  private constructor(readonly path: string) {}

  /** Opens (creating if needed) and locks a data directory. */
  static open(dir: string): DataDir {
    const path = resolve(dir);
    mkdirSync(join(path, 'logs'), { recursive: true });
    acquireLock(path);
    openInThisProcess.add(path);
    return new DataDir(path);
  }

  readTopics(): TopicSpec[] {
    return readJson<TopicSpec[]>(join(this.path, 'topics.json'), []);
  }

  writeTopics(specs: TopicSpec[]): void {
    writeJsonAtomically(join(this.path, 'topics.json'), specs);
  }

  readOffsets(): PersistedOffsets {
    return readJson<PersistedOffsets>(join(this.path, 'offsets.json'), {});
  }

  writeOffsets(offsets: PersistedOffsets): void {
    writeJsonAtomically(join(this.path, 'offsets.json'), offsets);
  }

  /**
   * Reads a partition's segment (empty if there is none yet) and opens it for appending. A torn
   * frame at the end, left by a write the process did not finish, is cut off.
   */
  openSegment(topic: string, partition: number): { entries: LogEntry[]; file: SegmentFile } {
    const topicDir = join(this.path, 'logs', topic);
    mkdirSync(topicDir, { recursive: true });
    const segmentPath = join(topicDir, `${partition}.log`);
    const fd = openSync(segmentPath, 'a+');
    const contents = readFileSync(fd);
    const { entries, validLength } = decodeSegment(contents, topic, partition);
    if (validLength < contents.length) ftruncateSync(fd, validLength);
    const file = new SegmentFile(fd);
    const files = this.segments.get(topic) ?? [];
    files.push(file);
    this.segments.set(topic, files);
    return { entries, file };
  }

  deleteTopic(topic: string): void {
    for (const file of this.segments.get(topic) ?? []) file.close();
    this.segments.delete(topic);
    rmSync(join(this.path, 'logs', topic), { recursive: true, force: true });
  }

  close(): void {
    for (const files of this.segments.values()) for (const file of files) file.close();
    this.segments.clear();
    rmSync(join(this.path, '.lock'), { force: true });
    openInThisProcess.delete(this.path);
  }
}

function acquireLock(path: string): void {
  const lockPath = join(path, '.lock');
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const holder = Number(readFileSync(lockPath, 'utf8'));
  if (openInThisProcess.has(path)) {
    throw new Error(
      `data dir '${path}' is already open in this process: share one broker with EmbeddedBroker.shared(dataDir)`,
    );
  }
  if (holder !== process.pid && isProcessAlive(holder)) {
    throw new Error(`data dir '${path}' is in use by process ${holder}`);
  }
  // The lock was left by a process that is gone (or by an earlier life of this pid): take it over.
  writeFileSync(lockPath, String(process.pid));
}
