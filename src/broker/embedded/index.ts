export { EmbeddedBroker, type EmbeddedBrokerOptions } from './broker.js';
export { ProducerFencedError, UnknownPartitionError, UnknownTopicError } from './errors.js';
