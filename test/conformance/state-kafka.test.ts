import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import { stateSuite } from './state-cases.js';

stateSuite('Apache Kafka', {
  makeBroker: async () => new KafkaBroker({ brokers: kafkaBrokers() }),
  uniqueName,
  appConfig: () => ({ brokers: kafkaBrokers() }),
});
