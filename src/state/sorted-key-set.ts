/**
 * The ordered key index behind every bytes store: a sorted set of keys held as latin1 strings.
 *
 * Why strings: a latin1 string has one UTF-16 code unit per byte, with the same value as the byte,
 * so JavaScript's native string comparison orders them exactly like the bytes (unsigned,
 * lexicographic, shorter prefix first): Kafka Streams' and LevelDB's key order. Comparing strings is
 * far cheaper than `Buffer.compare` (no native call) and strings are also usable as `Map` keys.
 *
 * Why chunks: a single sorted array costs O(n) per insert; a list of sorted chunks of at most
 * `MAX_CHUNK` keys, with each chunk's largest key kept aside for a binary search, costs
 * O(log n + MAX_CHUNK) and stays cache-friendly (the layout of Python's `sortedcontainers`).
 */

const MAX_CHUNK = 1024;

export function keyString(key: Buffer): string {
  return key.toString('latin1');
}

export function keyBuffer(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

export class SortedKeySet {
  private chunks: string[][] = [];
  /** `maxes[i]` is the last (largest) key of `chunks[i]`. */
  private maxes: string[] = [];
  private count = 0;
  /** Bumped on every change, so a live cursor knows to find its place again. */
  private version = 0;

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    const ci = bisectLeft(this.maxes, key);
    if (ci === this.chunks.length) return false;
    const chunk = this.chunks[ci];
    return chunk[bisectLeft(chunk, key)] === key;
  }

  /** Returns false when the key was already present. */
  add(key: string): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.maxes.push(key);
    } else {
      let ci = bisectLeft(this.maxes, key);
      if (ci === this.chunks.length) ci -= 1; // larger than every key: append to the last chunk
      const chunk = this.chunks[ci];
      const pi = bisectLeft(chunk, key);
      if (chunk[pi] === key) return false;
      chunk.splice(pi, 0, key);
      if (pi === chunk.length - 1) this.maxes[ci] = key;
      if (chunk.length > MAX_CHUNK) {
        const upper = chunk.splice(chunk.length >> 1);
        this.chunks.splice(ci + 1, 0, upper);
        this.maxes[ci] = chunk[chunk.length - 1];
        this.maxes.splice(ci + 1, 0, upper[upper.length - 1]);
      }
    }
    this.count += 1;
    this.version += 1;
    return true;
  }

  /** Returns false when the key was not present. */
  delete(key: string): boolean {
    const ci = bisectLeft(this.maxes, key);
    if (ci === this.chunks.length) return false;
    const chunk = this.chunks[ci];
    const pi = bisectLeft(chunk, key);
    if (chunk[pi] !== key) return false;
    chunk.splice(pi, 1);
    if (chunk.length === 0) {
      this.chunks.splice(ci, 1);
      this.maxes.splice(ci, 1);
    } else if (pi === chunk.length) {
      this.maxes[ci] = chunk[chunk.length - 1];
    }
    this.count -= 1;
    this.version += 1;
    return true;
  }

  clear(): void {
    this.chunks = [];
    this.maxes = [];
    this.count = 0;
    this.version += 1;
  }

  /**
   * Keys from `from` to `to`, both inclusive (`undefined`: unbounded), in ascending order. Adding or
   * deleting keys while iterating is safe: after a change, the cursor continues with the first key
   * greater than the last one it returned.
   */
  *range(from?: string, to?: string): Generator<string, void, undefined> {
    let [ci, pi] = from === undefined ? [0, 0] : this.seek(from, false);
    let seen = this.version;
    let last: string | undefined;
    for (;;) {
      if (seen !== this.version) {
        [ci, pi] = last === undefined ? (from === undefined ? [0, 0] : this.seek(from, false)) : this.seek(last, true);
        seen = this.version;
      }
      if (ci >= this.chunks.length) return;
      const chunk = this.chunks[ci];
      const key = chunk[pi];
      if (to !== undefined && key > to) return;
      last = key;
      pi += 1;
      if (pi === chunk.length) {
        ci += 1;
        pi = 0;
      }
      yield key;
    }
  }

  /** Position of the first key `>= key` (or `> key` when `after`); past the end when there is none. */
  private seek(key: string, after: boolean): [number, number] {
    const bisect = after ? bisectRight : bisectLeft;
    const ci = bisect(this.maxes, key);
    if (ci === this.chunks.length) return [ci, 0];
    return [ci, bisect(this.chunks[ci], key)];
  }
}

/** Index of the first element `>= key`. */
function bisectLeft(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element `> key`. */
function bisectRight(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
