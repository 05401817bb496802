/**
 * A wake-up call for one waiting loop: `notify()` from a producer of work, `wait()` from the loop
 * when it has nothing to do. A notify that arrives while nobody waits is remembered, so a wake-up
 * can never fall between "found nothing" and "started waiting".
 */
export class Signal {
  private waiter: (() => void) | undefined;
  private notified = false;

  notify(): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter();
    } else {
      this.notified = true;
    }
  }

  wait(): Promise<void> {
    if (this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}
