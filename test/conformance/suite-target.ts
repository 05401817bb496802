/**
 * Where an app-level conformance suite runs: the same cases go to the embedded broker and to the
 * real Kafka broker, through one of the two targets below.
 */
import { randomBytes } from 'node:crypto';
import { EmbeddedBroker } from '../../src/broker/embedded/index.js';
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import type { Broker } from '../../src/broker/types.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';

export interface SuiteTarget {
  name: string;
  /** A fresh, unconnected broker client; the case connects it and closes it. */
  makeBroker(): Promise<Broker>;
  uniqueName(prefix: string): string;
  /** Config every app of the case gets (e.g. brokers for Kafka). */
  appConfig(): { brokers?: string[] };
}

export const embeddedTarget: SuiteTarget = {
  name: 'the embedded broker',
  makeBroker: async () => new EmbeddedBroker(),
  uniqueName: (prefix) => `${prefix}_${randomBytes(5).toString('hex')}`,
  appConfig: () => ({}),
};

export const kafkaTarget: SuiteTarget = {
  name: 'Apache Kafka',
  makeBroker: async () => new KafkaBroker({ brokers: kafkaBrokers() }),
  uniqueName,
  appConfig: () => ({ brokers: kafkaBrokers() }),
};
