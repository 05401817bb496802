/**
 * Runs async sections one after another, in call order. A consumer uses it so that its record
 * handler and its rebalance callbacks never overlap, as they never do inside a Kafka `poll()`.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
