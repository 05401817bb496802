/**
 * kafkajs keeps a consumer's Cluster (its connections, metadata and requests) private, except
 * that it hands it to the consumer's partition assigners when the consumer is created; its type is
 * part of kafkajs' published typings. What needs it, kafkajs offering no other way:
 * - a step before every JoinGroup of the application's consumer (rebalance.ts);
 * - retries of a consumer's coordinator requests, and the raw SyncGroup answer, whose assignment
 *   user data kafkajs drops (coordinator.ts, task-assignor.ts);
 * - ListOffsets with isolation level read_uncommitted (offsets.ts): kafkajs' admin always asks
 *   read_committed, while a consumer's cluster asks with the consumer's isolation level;
 * - Metadata requests that the cluster does not remember the topics of (admin.ts).
 * Written against kafkajs 2.2.4 (pinned).
 */
import {
  PartitionAssigners,
  type Cluster,
  type Consumer,
  type ConsumerConfig,
  type Kafka,
  type PartitionAssigner,
} from 'kafkajs';

/** A kafkajs consumer and its cluster; it assigns partitions with `assigner` (default: kafkajs' round robin). */
export function consumerWithCluster(
  kafka: Kafka,
  config: Omit<ConsumerConfig, 'partitionAssigners'>,
  assigner: PartitionAssigner = PartitionAssigners.roundRobin,
): { consumer: Consumer; cluster: Cluster } {
  let cluster: Cluster | undefined;
  const consumer = kafka.consumer({
    ...config,
    partitionAssigners: [
      (assignerConfig) => {
        cluster = assignerConfig.cluster;
        return assigner(assignerConfig);
      },
    ],
  });
  if (!cluster) throw new Error('kafkajs did not hand the consumer cluster to its partition assigner');
  return { consumer, cluster };
}

/**
 * Runs `beforeJoin` before every JoinGroup the consumer owning `cluster` sends. kafkajs looks up
 * the group coordinator right before each JoinGroup (and nowhere else on a consumer's cluster but
 * `consumer.describeGroup`, which the adapter does not use), so that lookup is where it waits.
 * Install it after `retryCoordinatorRequests`, whose lookups after a stale answer must not wait.
 */
export function gateJoins(cluster: Cluster, beforeJoin: () => Promise<void>): void {
  const findGroupCoordinator = cluster.findGroupCoordinator.bind(cluster);
  cluster.findGroupCoordinator = async (group) => {
    await beforeJoin();
    return findGroupCoordinator(group);
  };
}
