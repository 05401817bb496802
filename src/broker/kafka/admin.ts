/**
 * Topic, group and committed-offset administration over the kafkajs admin client (partition
 * offsets are in offsets.ts).
 *
 * Topic metadata is asked through a cluster of its own (`metadata`, from consumer-cluster.ts),
 * with plain Metadata requests naming the topics, which a kafkajs cluster does not remember: a
 * client that remembers a topic fails its later requests once another client deletes it.
 *
 * A fresh cluster is slow in two ways this covers with bounded retries: a new topic shows in the
 * metadata some time after CreateTopics answered (and per broker), and is served by its leader a
 * little later still, so `createTopics` waits until every broker reports every topic with a
 * leader for each partition and the leaders answer for them (`awaitTopics`); and the group coordinator
 * answers NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS while `__consumer_offsets` is created and
 * loaded, which `committedOffsets` and `groupState` retry.
 */
import type { Admin, Broker, BrokerMetadata, Cluster, Kafka } from 'kafkajs';
import type { TopicSpec } from '../types.js';
import { consumerWithCluster } from './consumer-cluster.js';
import { COORDINATOR_RETRY_DEADLINE_MS } from './coordinator.js';
import { isRetriableCoordinatorError, isTransientError, isUnknownTopicError } from './errors.js';
import { toPartitionArray } from './records.js';
import { RetriesExhaustedError, retryWhile } from './retry.js';

const NO_OFFSET = -1;
/** How long metadata requests are retried on passing errors, and how long `createTopics` waits for new topics. */
const METADATA_DEADLINE_MS = 30_000;

/** A new topic is not (yet) reported by every broker with a leader for each partition. */
class TopicsNotReadyError extends Error {
  override readonly name = 'TopicsNotReadyError';
}

/**
 * The part of a kafkajs cluster's broker pool used here, which kafkajs' typings leave out.
 * `Cluster#metadata` is no use: it answers from a cache that keeps deleted topics, and returns
 * null instead of the error when the brokers fail.
 */
interface BrokerPool {
  /** A connected broker, or the seed broker. */
  findConnectedBroker(): Promise<Broker>;
  /** Asks one broker for the topics' metadata and learns the brokers it lists. Its answer is shared state: not read here. */
  refreshMetadata(topics: string[]): Promise<void>;
}

function brokerPool(cluster: Cluster): BrokerPool {
  return (cluster as unknown as { brokerPool: BrokerPool }).brokerPool;
}

/**
 * The topics' metadata, freshly asked from one broker. It fails with UNKNOWN_TOPIC_OR_PARTITION
 * for an unknown topic, and on any partition's error (e.g. LEADER_NOT_AVAILABLE).
 */
async function topicMetadata(cluster: Cluster, topics: string[]): Promise<BrokerMetadata> {
  const broker = await brokerPool(cluster).findConnectedBroker();
  return broker.metadata(topics);
}

function assertLeaders(metadata: BrokerMetadata, topics: string[], nodeId: number): void {
  for (const topic of topics) {
    const partitions = metadata.topicMetadata.find((t) => t.topic === topic)?.partitionMetadata ?? [];
    if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) {
      throw new TopicsNotReadyError(`broker ${nodeId} does not report topic "${topic}" with a leader for every partition yet`);
    }
  }
}

/** Partitions by topic, by leader. */
function partitionsByLeader(metadata: BrokerMetadata): Map<number, Map<string, number[]>> {
  const byLeader = new Map<number, Map<string, number[]>>();
  for (const { topic, partitionMetadata } of metadata.topicMetadata) {
    for (const { partitionId, leader } of partitionMetadata) {
      let byTopic = byLeader.get(leader);
      if (!byTopic) byLeader.set(leader, (byTopic = new Map()));
      let numbers = byTopic.get(topic);
      if (!numbers) byTopic.set(topic, (numbers = []));
      numbers.push(partitionId);
    }
  }
  return byLeader;
}

const READ_UNCOMMITTED = 0;
const LATEST = -1;

/** kafkajs' typings omit a broker's ListOffsets; it fails on any partition's error. */
interface ListOffsetsBroker {
  listOffsets(request: {
    isolationLevel: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: number }> }>;
  }): Promise<unknown>;
}

export class KafkaAdmin {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;
  private readonly metadata: Cluster;
  private metadataConnected: Promise<void> | undefined;

  constructor(private readonly kafka: Kafka) {
    this.admin = kafka.admin();
    this.metadata = consumerWithCluster(kafka, {
      groupId: 'tributary-metadata',
      allowAutoTopicCreation: false,
    }).cluster;
  }

  /** Connects once; every operation calls it, so using the broker without `connect()` works too. */
  connect(): Promise<void> {
    this.connected ??= this.admin.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    return this.connected;
  }

  async disconnect(): Promise<void> {
    this.connected = undefined;
    this.metadataConnected = undefined;
    await Promise.all([this.admin.disconnect(), this.metadata.disconnect()]);
  }

  async listTopics(): Promise<string[]> {
    await this.connect();
    return retryWhile(() => this.admin.listTopics(), isTransientError, { deadlineMs: METADATA_DEADLINE_MS });
  }

  /** Creates the missing topics, then resolves once every broker reports all of them with leaders. */
  async createTopics(topics: TopicSpec[]): Promise<void> {
    if (topics.length === 0) return;
    const existing = new Set(await this.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.name));
    if (missing.length > 0) {
      // Resolves false (without throwing) when another client created some of them meanwhile, so
      // sending it again after a lost answer is harmless. Waiting for leaders is done below: the
      // kafkajs wait fails on the UNKNOWN_TOPIC_OR_PARTITION a fresh cluster answers at first.
      const request = {
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      };
      await retryWhile(() => this.admin.createTopics(request), isTransientError, { deadlineMs: METADATA_DEADLINE_MS });
    }
    await this.awaitTopics(topics.map((spec) => spec.name));
  }

  async deleteTopics(names: string[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    const present = names.filter((name) => existing.has(name));
    // kafkajs retries an unknown topic for several seconds before failing, hence the filter.
    if (present.length > 0) await this.admin.deleteTopics({ topics: present });
  }

  /** Partition count, or undefined when the topic does not exist; passing errors (no leader yet, connections) are retried. */
  async partitionCount(topic: string): Promise<number | undefined> {
    await this.connectMetadata();
    try {
      const metadata = await retryWhile(
        () => topicMetadata(this.metadata, [topic]),
        (err) => !isUnknownTopicError(err) && isTransientError(err),
        { deadlineMs: METADATA_DEADLINE_MS },
      );
      return metadata.topicMetadata.find((t) => t.topic === topic)?.partitionMetadata.length;
    } catch (err) {
      if (isUnknownTopicError(err)) return undefined;
      throw err;
    }
  }

  /**
   * Asked through a throwaway admin client: kafkajs' `fetchOffsets` makes its client refresh the
   * topic's metadata from then on, and every later request of that client fails once another client
   * deletes the topic.
   */
  async committedOffsets(groupId: string, topic: string): Promise<(number | null)[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Each attempt looks the coordinator up again.
      const [topicOffsets] = await retryWhile(() => admin.fetchOffsets({ groupId, topics: [topic] }), isRetriableCoordinatorError, {
        deadlineMs: COORDINATOR_RETRY_DEADLINE_MS,
      });
      return toPartitionArray(topicOffsets?.partitions ?? [], (row) => {
        const offset = Number(row.offset);
        return offset === NO_OFFSET ? null : offset;
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** The group's state as the coordinator reports it: `Empty` and `Dead` mean no live members. */
  async groupState(groupId: string): Promise<string> {
    await this.connect();
    const { groups } = await retryWhile(() => this.admin.describeGroups([groupId]), isRetriableCoordinatorError, {
      deadlineMs: COORDINATOR_RETRY_DEADLINE_MS,
    });
    return groups[0]?.state ?? 'Dead';
  }

  private connectMetadata(): Promise<void> {
    this.metadataConnected ??= this.metadata.connect().catch((err: unknown) => {
      this.metadataConnected = undefined;
      throw err;
    });
    return this.metadataConnected;
  }

  /**
   * Polls (bounded) until every broker reports every topic with a leader for each partition, and
   * each leader answers ListOffsets for its partitions: a broker shows a new partition's leader in
   * its metadata a moment before it serves the partition, and a consumer fetching in that moment
   * takes the error for stale metadata and rejoins its group.
   */
  private async awaitTopics(topics: string[]): Promise<void> {
    await this.connectMetadata();
    try {
      await retryWhile(
        async () => {
          // Any broker first: the cluster learns from it which brokers there are.
          await brokerPool(this.metadata).refreshMetadata(topics);
          let leaders = new Map<number, Map<string, number[]>>();
          for (const nodeId of this.metadata.getNodeIds()) {
            const broker = await this.metadata.findBroker({ nodeId: String(nodeId) });
            const metadata = await broker.metadata(topics);
            assertLeaders(metadata, topics, nodeId);
            leaders = partitionsByLeader(metadata);
          }
          for (const [nodeId, partitions] of leaders) {
            const leader = (await this.metadata.findBroker({ nodeId: String(nodeId) })) as unknown as ListOffsetsBroker;
            await leader.listOffsets({
              isolationLevel: READ_UNCOMMITTED,
              topics: [...partitions].map(([topic, numbers]) => ({
                topic,
                partitions: numbers.map((partition) => ({ partition, timestamp: LATEST })),
              })),
            });
          }
        },
        (err) => err instanceof TopicsNotReadyError || isUnknownTopicError(err) || isTransientError(err),
        { deadlineMs: METADATA_DEADLINE_MS, maxBackoffMs: 500 },
      );
    } catch (err) {
      if (!(err instanceof RetriesExhaustedError)) throw err;
      throw new Error(
        `topics ${topics.map((t) => `"${t}"`).join(', ')} are still not ready (known to every broker, each ` +
          `partition served by its leader) ${METADATA_DEADLINE_MS / 1000} s after creating them`,
        { cause: err },
      );
    }
  }
}
