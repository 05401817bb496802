import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointFile, checkpointKey } from '../../../src/state/checkpoint-file.js';
import { cleanup, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => cleanup(dirs));

describe('CheckpointFile', () => {
  it('writes JSON of topic:partition → offset and reads it back', async () => {
    const dir = await tempDir(dirs);
    const file = new CheckpointFile(dir);
    expect(await file.read()).toEqual(new Map());
    await file.write(new Map([[checkpointKey('app-counts-changelog', 3), 42]]));
    expect(JSON.parse(await readFile(file.path, 'utf8'))).toEqual({ 'app-counts-changelog:3': 42 });
    await file.write(new Map([[checkpointKey('app-counts-changelog', 3), 50]]));
    expect(await new CheckpointFile(dir).read()).toEqual(new Map([['app-counts-changelog:3', 50]]));
    expect(await readdir(dir)).toEqual(['.checkpoint']); // no temp file left behind
  });

  it.each([
    ['truncated JSON', '{"app-counts-changelog:3": 4'],
    ['an array', '[1, 2]'],
    ['a negative offset', '{"t:0": -1}'],
    ['a fractional offset', '{"t:0": 1.5}'],
    ['a key without partition', '{"t": 1}'],
  ])('reads a corrupt file (%s) as no checkpoint', async (_, content) => {
    const dir = await tempDir(dirs);
    const file = new CheckpointFile(dir);
    await writeFile(file.path, content);
    expect(await file.read()).toEqual(new Map());
  });

  it('deletes the file', async () => {
    const dir = await tempDir(dirs);
    const file = new CheckpointFile(dir);
    await file.write(new Map([['t:0', 1]]));
    await file.delete();
    await file.delete();
    expect(await readdir(dir)).toEqual([]);
  });
});
