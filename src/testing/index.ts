export { TopologyTestDriver, type TopologyTestDriverOptions } from './topology-test-driver.js';
export { TestInputTopic } from './test-input-topic.js';
export { TestOutputTopic } from './test-output-topic.js';
export type { TestInputRecord, TestRecord } from './test-record.js';
