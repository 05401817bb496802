/**
 * Global stores (Kafka Streams' `addGlobalStore`): a store with its own source and updating
 * processor, outside the task graph. Represented as a sub-topology of two nodes so that the same
 * task machinery can run it (the test driver does; the runtime feeds it every partition).
 */
import type { ProcessorSupplier } from '../processor/api.js';
import type { StoreBuilder } from '../state/types.js';
import type { Subtopology } from './subtopology.js';
import type { SourceOptions } from './topology.js';

export interface GlobalStoreDefinition {
  readonly builder: StoreBuilder;
  readonly sourceName: string;
  readonly topic: string;
  readonly options: SourceOptions<unknown, unknown>;
  readonly processorName: string;
  readonly supplier: ProcessorSupplier<unknown, unknown>;
}

export function globalStoreSubtopology(id: number, g: GlobalStoreDefinition): Subtopology {
  return {
    id,
    nodes: [
      {
        kind: 'source',
        name: g.sourceName,
        topics: [g.topic],
        keySerde: g.options.key,
        valueSerde: g.options.value,
        timestampExtractor: g.options.timestampExtractor,
        children: [g.processorName],
      },
      { kind: 'processor', name: g.processorName, supplier: g.supplier, parents: [g.sourceName], children: [], stores: [g.builder.name] },
    ],
    sourceTopics: [g.topic],
    stores: [g.builder],
  };
}
