/**
 * Local state lives in `<stateDir>/<applicationId>/<taskId>/`. Two instances sharing one task
 * directory would corrupt each other's stores, so a task directory is used only under an exclusive
 * lock: a `.lock` file holding the owner's pid, created atomically (written in full under a temp
 * name, then hard-linked into place, which fails if the lock exists). A lock whose pid is no longer
 * running was left by a crash and is taken over.
 */
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE_NAME = '.lock';

export class StateDirectoryLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holderPid: number,
  ) {
    const holder = holderPid === process.pid ? `this process (pid ${holderPid})` : `process ${holderPid}`;
    super(`state directory ${dir} is locked by ${holder}: is another instance of the application running with the same stateDir?`);
    this.name = 'StateDirectoryLockedError';
  }
}

export class TaskDirectoryLock {
  private released = false;

  constructor(
    readonly dir: string,
    private readonly lockFile: string,
  ) {}

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await rm(this.lockFile, { force: true });
  }
}

export class StateDirectory {
  constructor(
    readonly root: string,
    readonly applicationId: string,
  ) {}

  taskDir(taskId: string): string {
    return join(this.root, this.applicationId, taskId);
  }

  /** Creates the task directory if needed and locks it; throws `StateDirectoryLockedError` if held. */
  async lockTask(taskId: string): Promise<TaskDirectoryLock> {
    const dir = this.taskDir(taskId);
    await mkdir(dir, { recursive: true });
    const lockFile = join(dir, LOCK_FILE_NAME);
    const temp = `${lockFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(temp, `${process.pid}\n`);
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
          await link(temp, lockFile);
          return new TaskDirectoryLock(dir, lockFile);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const holder = await readHolder(lockFile);
        if (holder !== undefined && isRunning(holder)) throw new StateDirectoryLockedError(dir, holder);
        // Stale (its owner died) or unreadable. Two instances could both remove a stale lock and one
        // then the other's fresh lock; acceptable for a leftover of a crash, not a contended path.
        if (holder !== undefined) await rm(lockFile, { force: true });
      }
      throw new Error(`could not lock state directory ${dir}: its lock file keeps changing`);
    } finally {
      await rm(temp, { force: true });
    }
  }
}

/** The pid in a lock file; NaN when unreadable (never a live pid); undefined when the file is gone. */
async function readHolder(lockFile: string): Promise<number | undefined> {
  try {
    return Number.parseInt(await readFile(lockFile, 'utf8'), 10);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}
