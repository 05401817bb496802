/** A sink node in a task: serializes records and hands them to the record collector. */
import type { Serde } from '../serde/types.js';
import type { SinkNode, StreamPartitioner, TopicNameExtractor } from '../topology/nodes.js';
import type { StreamRecord } from './api.js';
import type { RecordReceiver } from './node-context.js';
import type { RecordCollector } from './record-collector.js';

export class SinkProcessor implements RecordReceiver {
  /** The real topic name, resolved once; undefined when the topic is chosen per record. */
  private readonly fixedTopic: string | undefined;
  private readonly topicExtractor: TopicNameExtractor<unknown, unknown> | undefined;
  private readonly keySerde: Serde<unknown>;
  private readonly valueSerde: Serde<unknown>;
  private readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;

  constructor(
    private readonly node: SinkNode,
    private readonly collector: RecordCollector,
    resolveTopic: (name: string) => string,
  ) {
    this.fixedTopic = typeof node.topic === 'string' ? resolveTopic(node.topic) : undefined;
    this.topicExtractor = typeof node.topic === 'string' ? undefined : node.topic;
    this.keySerde = node.keySerde;
    this.valueSerde = node.valueSerde;
    this.partitioner = node.partitioner;
  }

  process(record: StreamRecord<unknown, unknown>): void {
    const topic = this.fixedTopic ?? this.topicExtractor!(record.key, record.value, record);
    // Fields in ProducerRecord's order: the collector passes this very object on to the producer.
    this.collector.send({
      topic,
      partition: this.partitioner === undefined ? undefined : this.choosePartition(record, topic),
      key: this.keySerde.serialize(record.key, topic, record.headers),
      value: this.valueSerde.serialize(record.value, topic, record.headers),
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }

  private choosePartition(record: StreamRecord<unknown, unknown>, topic: string): number {
    const count = this.collector.partitionCount(topic);
    const partition = this.partitioner!(record.key, record.value, count);
    if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
      throw new RangeError(`Partitioner of sink ${this.node.name} returned ${partition} for topic ${topic} with ${count} partitions`);
    }
    return partition;
  }
}
