/**
 * A short-lived kafkajs consumer that is the only member of its group. kafkajs has no manual
 * partition assignment, so the two jobs that need a consumer outside the application's group
 * membership use this instead: reading one partition range (a throwaway group) and writing a
 * group's committed offsets while the group is empty (a plain OffsetCommit from its only member).
 *
 * Every subscribed partition is paused the moment the assignment arrives, before the first fetch;
 * `onJoin` then resumes and seeks what it wants read. Its offset commits and fetches are retried on
 * passing coordinator errors (coordinator.ts), as on a fresh cluster.
 */
import type { Consumer, EachBatchHandler, Kafka } from 'kafkajs';
import { consumerWithCluster } from './consumer-cluster.js';
import { retryCoordinatorRequests } from './coordinator.js';

export interface SoleMemberOptions {
  groupId: string;
  topics: string[];
  readUncommitted: boolean;
  /** Called synchronously when the assignment arrives, with everything paused, before any fetch. */
  onJoin?: (consumer: Consumer) => void;
  eachBatch?: EachBatchHandler;
}

/** Bounds how long an idle fetch waits for data, and so how long `stop` waits for it. */
const MAX_WAIT_MS = 100;

export class SoleMember {
  readonly consumer: Consumer;
  /** Rejects when kafkajs gives up (a crash it will not restart from); never resolves. */
  readonly crashed: Promise<never>;
  private readonly ready: Promise<void>;
  private joined = false;

  constructor(kafka: Kafka, private readonly options: SoleMemberOptions) {
    const { consumer, cluster } = consumerWithCluster(kafka, {
      groupId: options.groupId,
      readUncommitted: options.readUncommitted,
      maxWaitTimeInMs: MAX_WAIT_MS,
      // Restarting is only worth it while joining (e.g. a coordinator still loading); after that, fail.
      retry: { retries: 5, restartOnFailure: async () => !this.joined },
    });
    retryCoordinatorRequests(cluster, { retried: ['offsetCommit', 'offsetFetch'] });
    this.consumer = consumer;
    const { GROUP_JOIN, FETCH_START, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => {
      this.joined = true;
      this.consumer.pause(options.topics.map((topic) => ({ topic })));
      options.onJoin?.(this.consumer);
    });
    // A fetch starts only once kafkajs' runner is running, which is also when its commitOffsets
    // stops being a silent no-op: the join alone is not enough.
    this.ready = new Promise((resolve) => this.consumer.on(FETCH_START, () => resolve()));
    this.crashed = new Promise((_, reject) => {
      this.consumer.on(CRASH, (event) => {
        if (!event.payload.restart) reject(event.payload.error);
      });
    });
    this.crashed.catch(() => undefined);
  }

  /** Joins the group; resolves once the member is assigned and running. */
  async start(): Promise<void> {
    try {
      await this.consumer.connect();
      // fromBeginning only matters when a sought offset is gone (retention): restart at the log start.
      await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
      await this.consumer.run({
        autoCommit: false,
        eachBatch: this.options.eachBatch ?? (async () => undefined),
      });
      await Promise.race([this.ready, this.crashed]);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Leaves the group and disconnects. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
