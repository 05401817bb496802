import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { kafkaBrokers, uniqueName } from '../helpers/services.js';
import { exactlyOnceSuite } from './eos-cases.js';

exactlyOnceSuite('Apache Kafka', {
  makeBroker: async () => new KafkaBroker({ brokers: kafkaBrokers() }),
  uniqueName,
  appConfig: () => ({ brokers: kafkaBrokers() }),
});
