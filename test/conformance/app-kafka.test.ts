import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import { streamsAppSuite } from './app-cases.js';

streamsAppSuite('Apache Kafka', {
  makeBroker: async () => new KafkaBroker({ brokers: kafkaBrokers() }),
  uniqueName,
  appConfig: () => ({ brokers: kafkaBrokers() }),
});
