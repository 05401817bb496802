/**
 * Errors both broker adapters raise, so the runtime checks one class whichever broker it runs on.
 */

/**
 * A newer producer registered the same transactional id (Kafka's ProducerFencedException): this
 * one is a zombie and can never write again. The owner must drop its uncommitted work and close it.
 */
export class ProducerFencedError extends Error {
  override readonly name = 'ProducerFencedError';

  constructor(
    readonly transactionalId: string,
    options?: { cause?: unknown },
  ) {
    super(`producer with transactionalId '${transactionalId}' has been fenced by a newer producer with the same id`, options);
  }
}
