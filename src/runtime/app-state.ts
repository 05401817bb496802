/**
 * The application's lifecycle, as in Kafka Streams:
 * CREATED → REBALANCING ⇄ RUNNING → PENDING_SHUTDOWN → NOT_RUNNING, and ERROR when processing
 * fails under a `fail` handler or the broker connection is lost for good.
 */
export type AppState = 'CREATED' | 'REBALANCING' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'NOT_RUNNING' | 'ERROR';

const ALLOWED: Record<AppState, AppState[]> = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  REBALANCING: ['RUNNING', 'REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  ERROR: ['PENDING_SHUTDOWN'],
};

export type StateListener = (next: AppState, previous: AppState) => void;

export class AppStateMachine {
  private current: AppState = 'CREATED';
  private readonly listeners = new Set<StateListener>();

  get state(): AppState {
    return this.current;
  }

  /** Moves to `next` if the lifecycle allows it; returns whether it moved. */
  transition(next: AppState): boolean {
    if (!ALLOWED[this.current].includes(next)) return false;
    // A rebalance during a rebalance is allowed but is no news to listeners.
    if (next === this.current) return true;
    const previous = this.current;
    this.current = next;
    for (const listener of this.listeners) listener(next, previous);
    return true;
  }

  onChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
