/**
 * Retries of group and transaction coordinator requests, for a kafkajs cluster (a producer's or a
 * consumer's, see producer-cluster.ts and consumer-cluster.ts).
 *
 * kafkajs (2.2.4) retries few coordinator errors, some under names it never gives them: its
 * TxnOffsetCommit retry looks for the types NOT_COORDINATOR and COORDINATOR_LOAD_IN_PROGRESS,
 * which kafkajs itself names NOT_COORDINATOR_FOR_GROUP and GROUP_LOAD_IN_PROGRESS, so `sendOffsets`
 * fails at once when the coordinator has moved or is still loading: the rule on a fresh cluster.
 * EndTxn is not retried at all, and a transaction whose EndTxn failed cannot be committed again
 * through kafkajs. A consumer's OffsetCommit goes to the coordinator found at its join, even after
 * that broker answered it is not the coordinator any more.
 *
 * So every coordinator `cluster.findGroupCoordinator` hands out is wrapped: the named requests
 * are retried with backoff on the passing coordinator errors (errors.ts), looking the coordinator
 * up again when the one asked is stale, for at most COORDINATOR_RETRY_DEADLINE_MS (30 s). The lookup
 * itself is retried the same way. Everything else on the coordinator goes through untouched.
 */
import type { Broker, Cluster } from 'kafkajs';
import { isRetriableCoordinatorError, isStaleCoordinatorError } from './errors.js';
import { retryWhile } from './retry.js';

/** How long a coordinator request keeps being retried; a fresh cluster takes a few seconds to create its internal topics. */
export const COORDINATOR_RETRY_DEADLINE_MS = 30_000;

type Group = Parameters<Cluster['findGroupCoordinator']>[0];
type Request = (...args: unknown[]) => Promise<unknown>;

export interface CoordinatorOptions {
  /** Names of the coordinator's request methods to retry, e.g. `endTxn`. Each must be idempotent on the broker. */
  retried: readonly string[];
  /** Called with every answered `syncGroup` request and its response. */
  onSyncGroup?: (request: { generationId: number }, response: { memberAssignment: Buffer }) => void;
}

export function retryCoordinatorRequests(cluster: Cluster, options: CoordinatorOptions): void {
  const find = cluster.findGroupCoordinator.bind(cluster);
  cluster.findGroupCoordinator = async (group: Group) => {
    const coordinator = await retryWhile(() => find(group), isRetriableCoordinatorError, {
      deadlineMs: COORDINATOR_RETRY_DEADLINE_MS,
    });
    return wrapCoordinator(coordinator, () => find(group), options);
  };
}

function wrapCoordinator(coordinator: Broker, lookUp: () => Promise<Broker>, options: CoordinatorOptions): Broker {
  return new Proxy(coordinator, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && options.retried.includes(property)) {
        return (...args: unknown[]) => retried(target, property, args, lookUp);
      }
      if (property === 'syncGroup' && options.onSyncGroup) {
        const observe = options.onSyncGroup;
        return async (request: { generationId: number }) => {
          const response = (await (value as Request).call(target, request)) as { memberAssignment: Buffer };
          observe(request, response);
          return response;
        };
      }
      return (value as Request).bind(target);
    },
  });
}

async function retried(first: Broker, method: string, args: unknown[], lookUp: () => Promise<Broker>): Promise<unknown> {
  let coordinator = first;
  let stale = false;
  return retryWhile(
    async () => {
      if (stale) {
        coordinator = await lookUp();
        stale = false;
      }
      const request = (coordinator as unknown as Record<string, Request>)[method];
      return request.apply(coordinator, args);
    },
    (err) => {
      if (!isRetriableCoordinatorError(err)) return false;
      stale = isStaleCoordinatorError(err);
      return true;
    },
    { deadlineMs: COORDINATOR_RETRY_DEADLINE_MS },
  );
}
