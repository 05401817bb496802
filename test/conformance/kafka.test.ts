import { KafkaBroker } from '../../src/broker/kafka/index.js';
import { kafkaBrokers } from '../helpers/services.js';
import { brokerConformanceSuite } from './cases.js';

brokerConformanceSuite('Apache Kafka', async () => new KafkaBroker({ brokers: kafkaBrokers(), logLevel: 'warn' }));
