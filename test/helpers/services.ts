/** Addresses of the real services for integration tests, and unique names so tests never collide. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers');
}

export function cassandraContactPoints(): string[] {
  return inject('cassandraContactPoints');
}

/** A name no other test (or earlier run) uses: `prefix-<random>`, valid as a topic or a CQL identifier. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}
