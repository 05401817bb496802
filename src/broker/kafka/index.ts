export { KafkaBroker, type KafkaBrokerOptions } from './kafka-broker.js';
export { ProducerFencedError } from '../errors.js';
