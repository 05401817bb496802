export { Topology, type RepartitionTopicOptions, type SinkOptions, type SourceOptions } from './topology.js';
export { TopologyError } from './topology-error.js';
export type {
  ProcessorNode,
  SinkNode,
  SourceNode,
  StreamPartitioner,
  TimestampExtractor,
  TopicNameExtractor,
  TopologyNode,
} from './nodes.js';
export type { Subtopology } from './subtopology.js';
export { internalTopicSpecs, type InternalTopic } from './internal-topics.js';
export { TopologyDescription, type NodeDescription, type SubtopologyDescription } from './description.js';
