import { describe, expect, it } from 'vitest';
import { keyBuffer, keyString, SortedKeySet } from '../../../src/state/sorted-key-set.js';

/** Deterministic pseudo-random numbers, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed; // mulberry32
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomKey(next: () => number): string {
  const bytes = Buffer.alloc(1 + Math.floor(next() * 4));
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(next() * 256);
  return keyString(bytes);
}

const byBytes = (a: string, z: string) => Buffer.compare(keyBuffer(a), keyBuffer(z));

describe('SortedKeySet', () => {
  it('orders keys like their bytes, through many inserts and deletes across chunk splits', () => {
    const next = random(7);
    const set = new SortedKeySet();
    const model = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) {
      const key = randomKey(next);
      if (next() < 0.75) {
        expect(set.add(key)).toBe(!model.has(key));
        model.add(key);
      } else {
        expect(set.delete(key)).toBe(model.has(key));
        model.delete(key);
      }
    }
    expect(set.size).toBe(model.size);
    expect(model.size).toBeGreaterThan(2048); // several chunks
    expect([...set.range()]).toEqual([...model].sort(byBytes));
  });

  it('ranges are inclusive at both ends and empty when from sorts after to', () => {
    const set = new SortedKeySet();
    for (const key of ['b', 'd', 'a', 'c', 'e']) set.add(key);
    expect([...set.range('b', 'd')]).toEqual(['b', 'c', 'd']);
    expect([...set.range('bb', undefined)]).toEqual(['c', 'd', 'e']);
    expect([...set.range(undefined, 'b')]).toEqual(['a', 'b']);
    expect([...set.range('d', 'b')]).toEqual([]);
  });

  it('sorts bytes above 0x7f after lower ones and a prefix before its extensions', () => {
    const set = new SortedKeySet();
    const keys = [Buffer.from([0xff]), Buffer.from([0x01, 0x00]), Buffer.from([0x01]), Buffer.from([0x80])];
    for (const key of keys) set.add(keyString(key));
    expect([...set.range()].map((k) => [...keyBuffer(k)])).toEqual([[0x01], [0x01, 0x00], [0x80], [0xff]]);
  });

  it('continues after the last returned key when the set changes during iteration', () => {
    const set = new SortedKeySet();
    for (let i = 0; i < 3000; i += 1) set.add(String(i).padStart(5, '0'));
    const seen: string[] = [];
    for (const key of set.range()) {
      seen.push(key);
      if (key === '00010') {
        set.delete('00011'); // ahead of the cursor: skipped
        set.add('00010a'); // ahead of the cursor: seen
        set.delete('00005'); // behind: no effect on what follows
      }
    }
    expect(seen).toContain('00010a');
    expect(seen).not.toContain('00011');
    expect(seen.length).toBe(3000);
    expect([...seen].sort()).toEqual(seen);
  });
});
