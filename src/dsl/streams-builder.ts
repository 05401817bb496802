/**
 * Entry point of the DSL: declare input streams, chain operators, then `build()` the Topology that
 * a StreamsApp (or the TopologyTestDriver) runs.
 */
import type { StoreBuilder } from '../state/types.js';
import type { Topology } from '../topology/topology.js';
import { KStream } from './kstream.js';
import type { Consumed } from './options.js';
import { StreamGraph } from './stream-graph.js';
import { knownSerde } from './tracked-serde.js';

export class StreamsBuilder {
  private readonly graph = new StreamGraph();

  /** A stream of the records of one or more topics; the serdes fix the stream's types. */
  stream<K, V>(topics: string | readonly string[], consumed: Consumed<K, V>): KStream<K, V> {
    const name = this.graph.nodeName(consumed, 'KSTREAM-SOURCE-');
    this.graph.topology.addSource(name, topics, {
      key: consumed.key,
      value: consumed.value,
      timestampExtractor: consumed.timestampExtractor,
    });
    return new KStream(this.graph, name, knownSerde(consumed.key), knownSerde(consumed.value), false);
  }

  /** Registers a state store; processors get access by naming it in `KStream#process`. */
  addStateStore(builder: StoreBuilder): this {
    this.graph.topology.addStateStore(builder);
    return this;
  }

  build(): Topology {
    return this.graph.topology;
  }
}
