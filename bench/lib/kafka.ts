/**
 * Raw kafkajs helpers for the benchmarks: which brokers, whether they answer, fast pre-production
 * of a workload, end offsets, clean-up. Nothing here goes through Tributary's broker adapter, so
 * the input of a Kafka row and its reference are produced the same way.
 */
import { Kafka, logLevel, Partitioners, type Admin, type Message } from 'kafkajs';
import { onInterrupt } from './suite.js';
import type { Workload } from './workload.js';

export function kafkaBrokers(): string[] {
  const env = process.env.KAFKA_BROKERS?.trim();
  return env ? env.split(',').map((b) => b.trim()).filter(Boolean) : ['127.0.0.1:9092'];
}

export function rawKafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000 });
}

/** Undefined when the cluster answers a metadata request, else why not. */
export async function kafkaUnreachable(brokers: string[]): Promise<string | undefined> {
  const admin = new Kafka({
    clientId: 'tributary-bench-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [] });
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Why a suite's Kafka rows are not measured (BENCH_SKIP_KAFKA set, or the cluster does not answer); else undefined. */
export async function kafkaSkipReason(brokers: string[]): Promise<string | undefined> {
  const unreachable = process.env.BENCH_SKIP_KAFKA ? 'skipped: BENCH_SKIP_KAFKA is set' : await kafkaUnreachable(brokers);
  return unreachable ? `Kafka at ${brokers.join(',')} not used (${unreachable}): NOT MEASURED` : undefined;
}

/**
 * Runs a suite's Kafka rows with a raw kafkajs client and a connected admin; afterwards (or on
 * interrupt) deletes the topics starting with `prefix` and the `groups`, logging what failed.
 */
export async function withBenchKafka<T>(
  brokers: string[],
  prefix: string,
  groups: string[],
  log: (message: string) => void,
  run: (kafka: Kafka, admin: Admin) => Promise<T>,
): Promise<T> {
  const kafka = rawKafka(brokers, 'tributary-bench');
  const cleanUp = () => cleanUpKafka(kafka, prefix, groups);
  const cleanUpDone = onInterrupt(cleanUp);
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await run(kafka, admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
    const problems = await cleanUp();
    cleanUpDone();
    if (problems.length) log(`kafka clean-up: ${problems.join('; ')}`);
  }
}

export async function createTopics(admin: Admin, names: string[], partitions: number): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    // No time-based retention: a benchmark topic must keep its records for the whole run.
    topics: names.map((topic) => ({
      topic,
      numPartitions: partitions,
      replicationFactor: 1,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    })),
  });
}

/** Sum over partitions of the high watermark (read_committed LSO; equal when no transactions are open). */
export async function endOffsetSum(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/**
 * Produces the first `n` workload records to `topic` with explicit (murmur2) partitions, in big
 * `sendBatch` chunks with a few in flight: only the input setup, not measured.
 */
export async function produceWorkload(kafka: Kafka, topic: string, workload: Workload, n: number): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const chunk = 20_000;
    const inFlight = 4;
    const pending = new Set<Promise<unknown>>();
    for (let from = 0; from < n; from += chunk) {
      const to = Math.min(n, from + chunk);
      const messages: Message[] = new Array(to - from);
      for (let i = from; i < to; i++) {
        messages[i - from] = {
          key: workload.keys[i],
          value: workload.values[i],
          partition: workload.partitionOf[i],
          timestamp: String(workload.timestamps[i]),
        };
      }
      const sent = producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
      const tracked: Promise<unknown> = sent.finally(() => pending.delete(tracked));
      pending.add(tracked);
      if (pending.size >= inFlight) await Promise.race(pending);
    }
    await Promise.all(pending);
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const total = await endOffsetSum(admin, topic);
    if (total !== n) throw new Error(`pre-produced ${n} records to '${topic}' but it holds ${total}`);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics starting with `prefix` and the groups given; errors are reported, not thrown. */
export async function cleanUpKafka(kafka: Kafka, prefix: string, groups: string[]): Promise<string[]> {
  const problems: string[] = [];
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 }).catch((err: Error) => problems.push(`delete topics: ${err.message}`));
    if (groups.length) {
      await admin.deleteGroups(groups).catch((err: Error) => problems.push(`delete groups: ${err.message}`));
    }
  } catch (err) {
    problems.push((err as Error).message);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return problems;
}
