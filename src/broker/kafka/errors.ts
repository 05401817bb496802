/**
 * Reading kafkajs errors. kafkajs wraps protocol errors (KafkaJSNonRetriableError,
 * KafkaJSNumberOfRetriesExceeded) with the original in `cause`, so every check walks the chain.
 *
 * kafkajs names some protocol errors by their pre-KIP names: NOT_COORDINATOR is
 * NOT_COORDINATOR_FOR_GROUP, COORDINATOR_NOT_AVAILABLE is GROUP_COORDINATOR_NOT_AVAILABLE,
 * COORDINATOR_LOAD_IN_PROGRESS is GROUP_LOAD_IN_PROGRESS. The checks below match codes as well.
 */

interface KafkaJSErrorShape {
  name?: string;
  type?: string;
  code?: number | string;
  retriable?: boolean;
  cause?: unknown;
}

/** The error and its causes, outermost first. */
function causeChain(err: unknown): KafkaJSErrorShape[] {
  const chain: KafkaJSErrorShape[] = [];
  let current = err as KafkaJSErrorShape | undefined;
  while (current && typeof current === 'object' && chain.length < 8) {
    chain.push(current);
    current = current.cause as KafkaJSErrorShape | undefined;
  }
  return chain;
}

function hasType(err: unknown, wanted: readonly string[]): boolean {
  return causeChain(err).some((e) => e.type !== undefined && wanted.includes(e.type));
}

function hasCode(err: unknown, wanted: readonly number[]): boolean {
  return causeChain(err).some((e) => typeof e.code === 'number' && wanted.includes(e.code));
}

function hasName(err: unknown, wanted: readonly string[]): boolean {
  return causeChain(err).some((e) => e.name !== undefined && wanted.includes(e.name));
}

// Kafka answers the request versions kafkajs speaks with INVALID_PRODUCER_EPOCH when a newer
// producer took the transactional id; PRODUCER_FENCED (code 90) is unknown to kafkajs and would
// only show as its code.
const FENCING_TYPES = ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED'];
const PRODUCER_FENCED_CODE = 90;

export function isFencingError(err: unknown): boolean {
  return hasType(err, FENCING_TYPES) || hasCode(err, [PRODUCER_FENCED_CODE]);
}

export function isUnknownTopicError(err: unknown): boolean {
  return hasType(err, ['UNKNOWN_TOPIC_OR_PARTITION']);
}

/** The connection to a broker failed, closed or timed out: the request may be sent again, possibly elsewhere. */
function isConnectionError(err: unknown): boolean {
  return (
    hasName(err, ['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']) ||
    causeChain(err).some((e) => e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET')
  );
}

const GROUP_LOAD_IN_PROGRESS = 14;
const GROUP_COORDINATOR_NOT_AVAILABLE = 15;
const NOT_COORDINATOR_FOR_GROUP = 16;
const CONCURRENT_TRANSACTIONS = 51;

/**
 * The coordinator asked is not (or no longer) the one for the group or transactional id, or none
 * is available: look it up again before retrying.
 */
export function isStaleCoordinatorError(err: unknown): boolean {
  return (
    hasCode(err, [GROUP_COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR_FOR_GROUP]) ||
    hasName(err, ['KafkaJSGroupCoordinatorNotFound', 'KafkaJSBrokerNotFound']) ||
    isConnectionError(err)
  );
}

/**
 * A coordinator request failed for a passing reason and may be sent again: the coordinator moved,
 * is not up yet (a fresh cluster creates `__consumer_offsets` and `__transaction_state` on first
 * use), is still loading its partition, or the previous transaction's markers are still being
 * written (CONCURRENT_TRANSACTIONS). Every request retried on these is idempotent on the broker.
 */
export function isRetriableCoordinatorError(err: unknown): boolean {
  return hasCode(err, [GROUP_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS]) || isStaleCoordinatorError(err);
}

/**
 * A metadata request failed for a passing reason (no leader yet, a connection problem): anything
 * kafkajs marks retriable, anywhere in the chain. Check for an unknown topic first.
 */
export function isTransientError(err: unknown): boolean {
  return causeChain(err).some((e) => e.retriable === true) || isConnectionError(err);
}
