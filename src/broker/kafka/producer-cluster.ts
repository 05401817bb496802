/**
 * A kafkajs producer together with its Cluster (its connections and requests), which kafkajs keeps
 * private and, unlike a consumer's (consumer-cluster.ts), hands to no user code. The producer needs
 * it for retries of its transaction coordinator requests (coordinator.ts): kafkajs cannot retry a
 * failed EndTxn, nor leave the COMMITTING state it is stuck in afterwards.
 *
 * `Kafka#producer` builds the cluster through a function the Kafka client keeps under a private
 * symbol property; it is wrapped for the duration of that one synchronous call to see the cluster.
 * Written against kafkajs 2.2.4 (pinned): should that property ever be missing, this throws
 * rather than quietly running without the retries.
 */
import type { Cluster, Kafka, Producer, ProducerConfig } from 'kafkajs';

const CREATE_CLUSTER = 'private:Kafka:createCluster';

type CreateCluster = (...args: unknown[]) => Cluster;

export function producerWithCluster(kafka: Kafka, config: ProducerConfig): { producer: Producer; cluster: Cluster } {
  const key = Object.getOwnPropertySymbols(kafka).find((symbol) => symbol.description === CREATE_CLUSTER);
  const client = kafka as unknown as Record<symbol, CreateCluster>;
  if (key === undefined || typeof client[key] !== 'function') {
    throw new Error(`this kafkajs version does not build clusters through "${CREATE_CLUSTER}" (written against kafkajs 2.2.4)`);
  }
  const createCluster = client[key];
  let cluster: Cluster | undefined;
  let producer: Producer;
  client[key] = (...args) => (cluster = createCluster(...args));
  try {
    producer = kafka.producer(config);
  } finally {
    client[key] = createCluster;
  }
  if (!cluster) throw new Error('kafkajs did not build a cluster for the producer');
  return { producer, cluster };
}
