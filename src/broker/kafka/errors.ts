/**
 * Reading kafkajs errors. kafkajs wraps protocol errors (KafkaJSNonRetriableError,
 * KafkaJSNumberOfRetriesExceeded) with the original in `cause`, so every check walks the chain.
 */

interface KafkaJSErrorShape {
  name?: string;
  type?: string;
  code?: number;
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

// Kafka answers the request versions kafkajs speaks with INVALID_PRODUCER_EPOCH when a newer
// producer took the transactional id; PRODUCER_FENCED (code 90) is unknown to kafkajs and would
// only show as its code.
const FENCING_TYPES = ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED'];
const PRODUCER_FENCED_CODE = 90;

export function isFencingError(err: unknown): boolean {
  return causeChain(err).some(
    (e) => (e.type !== undefined && FENCING_TYPES.includes(e.type)) || e.code === PRODUCER_FENCED_CODE,
  );
}

export function isUnknownTopicError(err: unknown): boolean {
  return hasType(err, ['UNKNOWN_TOPIC_OR_PARTITION']);
}

/**
 * A newer producer with the same transactional id exists: this one is a zombie and can never
 * write again. The owner must drop its uncommitted work and close it.
 */
export class ProducerFencedError extends Error {
  override readonly name = 'ProducerFencedError';

  constructor(transactionalId: string, cause: unknown) {
    super(
      `producer with transactional id "${transactionalId}" was fenced by a newer producer with the same id`,
      { cause },
    );
  }
}
