/**
 * Rebalance callbacks for kafkajs, which has none: it only reports a finished join (GROUP_JOIN,
 * with the new assignment).
 *
 * kafkajs speaks Kafka's classic, eager group protocol: at every rebalance a member gives up all
 * its partitions, and after the join it restarts every assigned partition from the group's
 * committed offset. The callbacks follow that: `onPartitionsRevoked` gets everything the member
 * owned, `onPartitionsAssigned` everything it owns afterwards (kept partitions included), and no
 * record is handed over between the two.
 *
 * The guarantee: the revocation callback has finished before this member sends its JoinGroup.
 * kafkajs only rejoins once the batch in hand is done (it stops fetching first), and the consumer
 * holds the JoinGroup back until the revocation has run (consumer-cluster.ts, `gateJoins`). The
 * group cannot finish the rebalance, so no other member is given the partitions, before every
 * member has rejoined or the rebalance timeout (60 s) has passed. A commit made inside the
 * callback, still in the old generation, which Kafka accepts while the group is preparing to
 * rebalance, is in place before any new owner reads the committed offsets.
 *
 * Limits: a member whose session already expired (no heartbeat for the session timeout) has lost
 * its partitions before it knows; its revocation runs before it rejoins, but too late, and a commit
 * inside it is rejected. A callback slower than the rebalance timeout gets the member removed from
 * the group the same way.
 */
import type { RebalanceListener, TopicPartition } from '../types.js';

function key(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

export class RebalanceTracker {
  private owned: TopicPartition[] = [];
  private ownedKeys = new Set<string>();
  private revoked = true;
  private callbacks: Promise<void> = Promise.resolve();
  private pendingCallbacks = 0;

  constructor(
    private readonly listener: RebalanceListener | undefined,
    private readonly onCallbackError: (err: Error) => void,
  ) {}

  /** The current assignment; empty between a revocation and the next join. */
  assignment(): TopicPartition[] {
    return this.revoked ? [] : this.owned.slice();
  }

  /** Whether records of this partition may be handed over now. */
  owns(topic: string, partition: number): boolean {
    return !this.revoked && this.ownedKeys.has(key(topic, partition));
  }

  /** Whether a callback is queued or running. */
  get busy(): boolean {
    return this.pendingCallbacks > 0;
  }

  /** Resolves once every callback queued so far has finished (failures go to `onCallbackError`). */
  settled(): Promise<void> {
    return this.callbacks;
  }

  /** Gives up everything owned, once per generation; resolves when every callback so far has run. */
  revokeAll(): Promise<void> {
    if (!this.revoked) {
      this.revoked = true;
      const partitions = this.owned;
      if (partitions.length > 0) this.enqueue(() => this.listener?.onPartitionsRevoked?.(partitions));
    }
    return this.callbacks;
  }

  /** kafkajs joined a new generation (GROUP_JOIN) with this assignment. */
  joined(assignment: TopicPartition[]): void {
    // Normally done already, before the JoinGroup; this keeps a join from ever skipping it.
    void this.revokeAll();
    this.owned = assignment;
    this.ownedKeys = new Set(assignment.map((tp) => key(tp.topic, tp.partition)));
    this.revoked = false;
    this.enqueue(() => this.listener?.onPartitionsAssigned?.(assignment));
  }

  private enqueue(callback: () => Promise<void> | void): void {
    this.pendingCallbacks++;
    this.callbacks = this.callbacks
      .then(callback)
      .catch((err: unknown) => this.onCallbackError(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.pendingCallbacks--;
      });
  }
}
