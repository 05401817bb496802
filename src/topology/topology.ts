/**
 * The processing graph: sources read topics, processors transform records, sinks write topics.
 * Processor-API users build it directly (like Kafka Streams' `Topology`); the DSL's
 * `StreamsBuilder#build()` produces one too. Nodes must be added parents first, so insertion order
 * is always a valid processing order.
 *
 * Topic names are written without the application id; the runtime resolves internal ones
 * (repartition topics, changelogs) to `<applicationId>-<name>` with `resolveTopic`.
 */
import type { ProcessorSupplier } from '../processor/api.js';
import type { Serde } from '../serde/types.js';
import type { StoreBuilder } from '../state/types.js';
import { TopologyDescription } from './description.js';
import type { InternalTopic } from './internal-topics.js';
import type {
  ProcessorNode,
  SinkNode,
  SourceNode,
  StreamPartitioner,
  TimestampExtractor,
  TopicNameExtractor,
  TopologyNode,
} from './nodes.js';
import { globalStoreSubtopology, type GlobalStoreDefinition } from './global-store.js';
import { splitIntoSubtopologies, type Subtopology } from './subtopology.js';
import { TopologyError } from './topology-error.js';

export interface SourceOptions<K, V> {
  key: Serde<K>;
  value: Serde<V>;
  timestampExtractor?: TimestampExtractor<K, V>;
}

export interface SinkOptions<K, V> {
  key: Serde<K>;
  value: Serde<V>;
  partitioner?: StreamPartitioner<K, V>;
}

export interface RepartitionTopicOptions {
  /** A fixed partition count. */
  partitions?: number;
  /** Take the partition count of the other source topics of the sub-topology reading this topic. */
  likeReaders?: boolean;
}

export class Topology {
  private readonly nodes = new Map<string, TopologyNode>();
  /** The mutable lists behind each node's `children` / `stores` (the node objects expose them read-only). */
  private readonly childLists = new Map<string, string[]>();
  private readonly storeLists = new Map<string, string[]>();
  private readonly topicReaders = new Map<string, string>();
  private readonly stores = new Map<string, StoreBuilder>();
  /** Repartition topic name (without application id) -> its partitioning rule. */
  private readonly repartitionTopics = new Map<string, RepartitionTopicOptions>();
  private readonly globalStores: GlobalStoreDefinition[] = [];

  addSource<K, V>(name: string, topics: string | readonly string[], options: SourceOptions<K, V>): this {
    this.requireNewName(name);
    const topicList = typeof topics === 'string' ? [topics] : [...topics];
    if (topicList.length === 0) throw new TopologyError(`Source ${name} must read at least one topic`);
    for (const topic of topicList) {
      const reader = this.topicReaders.get(topic);
      if (reader !== undefined) throw new TopologyError(`Topic ${topic} is already read by source ${reader}; a topic can have only one source`);
    }
    for (const topic of topicList) this.topicReaders.set(topic, name);
    const children: string[] = [];
    this.childLists.set(name, children);
    const node: SourceNode<K, V> = {
      kind: 'source',
      name,
      topics: topicList,
      keySerde: options.key,
      valueSerde: options.value,
      timestampExtractor: options.timestampExtractor,
      children,
    };
    this.nodes.set(name, node as SourceNode);
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    this.requireNewName(name);
    this.requireParents(name, parentNames);
    const children: string[] = [];
    const stores: string[] = [];
    this.childLists.set(name, children);
    this.storeLists.set(name, stores);
    const node: ProcessorNode = {
      kind: 'processor',
      name,
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: parentNames,
      children,
      stores,
    };
    this.addChild(node, parentNames);
    return this;
  }

  addSink<K, V>(name: string, topic: string | TopicNameExtractor<K, V>, options: SinkOptions<K, V>, ...parentNames: string[]): this {
    this.requireNewName(name);
    this.requireParents(name, parentNames);
    const node: SinkNode<K, V> = {
      kind: 'sink',
      name,
      topic,
      keySerde: options.key,
      valueSerde: options.value,
      partitioner: options.partitioner,
      parents: parentNames,
    };
    this.addChild(node as SinkNode, parentNames);
    return this;
  }

  /** Registers a store, optionally connecting it to processors (more can be connected later). */
  addStateStore(builder: StoreBuilder, ...processorNames: string[]): this {
    if (this.stores.has(builder.name) || this.globalStores.some((g) => g.builder.name === builder.name)) throw new TopologyError(`State store ${builder.name} is already added`);
    this.stores.set(builder.name, builder);
    for (const processor of processorNames) this.connectProcessorAndStateStores(processor, builder.name);
    return this;
  }

  /**
   * A global store: every task can read it (`getStateStore`), and it holds the content of all
   * partitions of `topic`, kept up to date by `processorName` (which writes it), not by tasks. The
   * topic itself is the store's changelog, so the store must not log. Global stores form their own
   * sub-topologies, which generate no tasks.
   */
  addGlobalStore<K, V>(
    builder: StoreBuilder,
    sourceName: string,
    topic: string,
    options: SourceOptions<K, V>,
    processorName: string,
    supplier: ProcessorSupplier<K, V>,
  ): this {
    if (builder.loggingEnabled) throw new TopologyError(`Global store ${builder.name} must not log: its topic ${topic} is its changelog`);
    if (this.stores.has(builder.name) || this.globalStores.some((g) => g.builder.name === builder.name)) {
      throw new TopologyError(`State store ${builder.name} is already added`);
    }
    for (const name of [sourceName, processorName]) this.requireNewName(name);
    if (sourceName === processorName) throw new TopologyError(`A node named ${sourceName} already exists in this topology`);
    const reader = this.topicReaders.get(topic);
    if (reader !== undefined) throw new TopologyError(`Topic ${topic} is already read by source ${reader}; a topic can have only one source`);
    this.topicReaders.set(topic, sourceName);
    this.globalStores.push({ builder, sourceName, topic, options: options as SourceOptions<unknown, unknown>, processorName, supplier: supplier as ProcessorSupplier<unknown, unknown> });
    return this;
  }

  /** One sub-topology per global store (source, then its processor); numbered after the regular ones. */
  globalSubtopologies(): Subtopology[] {
    const first = this.subtopologies().length;
    return this.globalStores.map((definition, i) => globalStoreSubtopology(first + i, definition));
  }

  /** Real names of the topics behind global stores; the runtime reads all their partitions. */
  globalSourceTopics(): string[] {
    return this.globalStores.map((g) => g.topic);
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    const stores = this.storeLists.get(processorName);
    if (stores === undefined) throw new TopologyError(`Cannot connect stores to ${processorName}: no processor has that name`);
    for (const store of storeNames) {
      if (!this.stores.has(store)) throw new TopologyError(`Cannot connect ${processorName} to state store ${store}: add the store first`);
      if (!stores.includes(store)) stores.push(store);
    }
    return this;
  }

  /**
   * Declares `name` an internal repartition topic: sinks and sources may then use `name`, and the
   * runtime creates `<applicationId>-<name>`. Without `partitions`, it gets as many partitions as
   * the input of the sub-topology that writes it, or with `likeReaders` as the other input of the
   * sub-topology that reads it (a topic that must be co-partitioned with its reader's tables).
   */
  addRepartitionTopic(name: string, options: RepartitionTopicOptions = {}): this {
    if (this.repartitionTopics.has(name)) throw new TopologyError(`Repartition topic ${name} is already declared`);
    this.repartitionTopics.set(name, options);
    return this;
  }

  subtopologies(): Subtopology[] {
    return splitIntoSubtopologies([...this.nodes.values()], this.stores);
  }

  describe(): TopologyDescription {
    return new TopologyDescription(this.subtopologies(), this.globalSubtopologies(), [...this.repartitionTopics.keys()]);
  }

  /** The real topic name: internal topics get the application id prefix, user topics stay as they are. */
  resolveTopic(name: string, applicationId: string): string {
    return this.repartitionTopics.has(name) ? `${applicationId}-${name}` : name;
  }

  /** Every topic the application's tasks consume (user and internal, not global), with real names. */
  sourceTopics(applicationId: string): string[] {
    const global = new Set(this.globalSourceTopics());
    return [...this.topicReaders.keys()].filter((topic) => !global.has(topic)).map((topic) => this.resolveTopic(topic, applicationId));
  }

  /** The topics the application consumes that the user must create (no internal ones). */
  userSourceTopics(): string[] {
    return [...this.topicReaders.keys()].filter((topic) => !this.repartitionTopics.has(topic));
  }

  /** User topics written by sinks with a fixed topic (sinks with a topic extractor decide per record). */
  sinkTopics(): string[] {
    const topics = new Set<string>();
    for (const node of this.nodes.values()) {
      if (node.kind === 'sink' && typeof node.topic === 'string' && !this.repartitionTopics.has(node.topic)) topics.add(node.topic);
    }
    return [...topics];
  }

  /** Repartition topics and store changelogs the runtime must create (see `internalTopicSpecs`). */
  internalTopics(applicationId: string): InternalTopic[] {
    const resolve = (name: string): string => this.resolveTopic(name, applicationId);
    const subtopologies = this.subtopologies();
    const repartitions = [...this.repartitionTopics].map(([name, { partitions, likeReaders }]): InternalTopic => {
      const rule = likeReaders
        ? subtopologies.filter((sub) => sub.sourceTopics.includes(name)).flatMap((sub) => sub.sourceTopics.filter((topic) => topic !== name))
        : subtopologies.filter((sub) => sub.nodes.some((node) => node.kind === 'sink' && node.topic === name)).flatMap((sub) => sub.sourceTopics);
      const partitionsFrom = [...new Set(rule.map(resolve))];
      return { name: resolve(name), kind: 'repartition', partitions, partitionsFrom, config: { 'cleanup.policy': 'delete' } };
    });
    const changelogs = subtopologies.flatMap((sub) =>
      sub.stores
        .filter((store) => store.loggingEnabled)
        .map(
          (store): InternalTopic => ({
            name: `${applicationId}-${store.name}-changelog`,
            kind: 'changelog',
            partitionsFrom: sub.sourceTopics.map(resolve),
            config: store.changelogConfig ?? { 'cleanup.policy': 'compact' },
          }),
        ),
    );
    return [...repartitions, ...changelogs];
  }

  /**
   * Checks the topology against the actual partition counts (real topic names): every source
   * topic must exist, and the source topics of one sub-topology must be co-partitioned (equal
   * partition counts), since task N of a sub-topology reads partition N of each of them together
   * (merges, joins and shared stores rely on matching keys meeting in the same task).
   */
  validate(partitionCounts: ReadonlyMap<string, number>, applicationId: string): void {
    for (const sub of this.subtopologies()) {
      const topics = sub.sourceTopics.map((topic) => this.resolveTopic(topic, applicationId));
      const missing = topics.filter((topic) => !partitionCounts.has(topic));
      if (missing.length > 0) throw new TopologyError(`Source topics [${missing.join(', ')}] of sub-topology ${sub.id} do not exist`);
      const counts = topics.map((topic) => partitionCounts.get(topic)!);
      if (counts.some((count) => count !== counts[0])) {
        const listing = topics.map((topic, i) => `${topic} (${counts[i]} partitions)`).join(', ');
        throw new TopologyError(
          `Topics ${listing} are read together by sub-topology ${sub.id} and must be co-partitioned: give them the same number of partitions`,
        );
      }
    }
  }

  private requireNewName(name: string): void {
    if (name.length === 0) throw new TopologyError('Node names must not be empty');
    if (this.nodes.has(name) || this.globalStores.some((g) => g.sourceName === name || g.processorName === name)) throw new TopologyError(`A node named ${name} already exists in this topology`);
  }

  private requireParents(name: string, parentNames: readonly string[]): void {
    if (parentNames.length === 0) throw new TopologyError(`${name} needs at least one parent`);
    for (const parent of parentNames) {
      const node = this.nodes.get(parent);
      if (node === undefined) throw new TopologyError(`Parent ${parent} of ${name} does not exist (add parents first)`);
      if (node.kind === 'sink') throw new TopologyError(`Sink ${parent} cannot be the parent of ${name}`);
    }
  }

  private addChild(node: ProcessorNode | SinkNode, parentNames: readonly string[]): void {
    this.nodes.set(node.name, node);
    for (const parent of parentNames) this.childLists.get(parent)!.push(node.name);
  }
}
