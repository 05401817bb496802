import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateDirectory, StateDirectoryLockedError } from '../../../src/state/state-directory.js';
import { cleanup, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => cleanup(dirs));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('StateDirectory', () => {
  it('creates <stateDir>/<appId>/<taskId>/ and locks it with a file holding the pid', async () => {
    const root = await tempDir(dirs);
    const lock = await new StateDirectory(root, 'app').lockTask('1_2');
    expect(lock.dir).toBe(join(root, 'app', '1_2'));
    expect(await readFile(join(lock.dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('refuses a second lock while held, naming the directory and the holder, and grants it after release', async () => {
    const root = await tempDir(dirs);
    const first = await new StateDirectory(root, 'app').lockTask('0_0');
    const second = new StateDirectory(root, 'app');
    const error = await second.lockTask('0_0').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StateDirectoryLockedError);
    expect((error as StateDirectoryLockedError).holderPid).toBe(process.pid);
    expect((error as Error).message).toBe(
      `state directory ${join(root, 'app', '0_0')} is locked by this process (pid ${process.pid}): ` +
        'is another instance of the application running with the same stateDir?',
    );
    // Other tasks' directories are independent.
    const other = await second.lockTask('0_1');
    await first.release();
    const again = await second.lockTask('0_0');
    await Promise.all([other.release(), again.release()]);
  });

  it('takes over a lock left by a process that died', async () => {
    const root = await tempDir(dirs);
    const state = new StateDirectory(root, 'app');
    const pid = deadPid();
    await (await state.lockTask('0_0')).release(); // creates the directory
    await writeFile(join(state.taskDir('0_0'), '.lock'), `${pid}\n`);
    const lock = await state.lockTask('0_0');
    expect(await readFile(join(lock.dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('names another live process as the holder', async () => {
    const root = await tempDir(dirs);
    const state = new StateDirectory(root, 'app');
    await (await state.lockTask('0_0')).release();
    await writeFile(join(state.taskDir('0_0'), '.lock'), `${process.ppid}\n`);
    await expect(state.lockTask('0_0')).rejects.toThrow(`is locked by process ${process.ppid}:`);
  });
});
