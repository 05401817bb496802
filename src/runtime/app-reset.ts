/**
 * Resets an application so that its next run reprocesses its input from scratch (Kafka Streams'
 * application reset tool): the consumer group's committed offsets on the input topics go back to
 * the earliest stored records, the internal topics (repartition topics and changelogs) are
 * deleted, and so is the local state directory. Output topics are left alone: a reprocessing run
 * appends to them.
 *
 * Every instance must be stopped first. The broker refuses to set the offsets of a group with live
 * members, and the rewind runs before anything is deleted, so a refused reset changes nothing.
 */
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Broker, TopicPartition } from '../broker/types.js';
import { deadLetterTopic } from '../processor/dead-letter.js';
import type { Topology } from '../topology/topology.js';
import { resolveConfig } from './config.js';

export interface ResetOptions {
  applicationId: string;
  /** The application's topology: its source topics are rewound, its internal topics deleted. */
  topology?: Topology;
  /** Input topics to rewind besides the topology's source topics (or instead of them, without a topology). */
  inputTopics?: string[];
  /** The application's `stateDir`; default: the same default as `StreamsConfig.stateDir`. */
  stateDir?: string;
  /** Also delete the dead-letter topic. Default false: dead letters are the evidence of bad input. */
  deleteDeadLetters?: boolean;
  /** Only work out the plan; change nothing. */
  dryRun?: boolean;
}

export interface OffsetRewind extends TopicPartition {
  /** The group's committed offset before the reset; null when it had none. */
  from: number | null;
  /** The earliest offset still stored in the partition. */
  to: number;
}

export interface ResetPlan {
  applicationId: string;
  /** True when nothing was changed. */
  dryRun: boolean;
  /** Every partition of the existing input topics, with where its committed offset goes. */
  rewinds: OffsetRewind[];
  /** Input topics that do not exist, so have no offsets to rewind. */
  missingInputTopics: string[];
  /** Existing topics that are deleted: the internal topics, and the dead-letter topic if asked. */
  topicsToDelete: string[];
  /** The dead-letter topic when it exists and is kept. */
  keptDeadLetterTopic: string | undefined;
  /** The application's local state directory when it exists (it is deleted). */
  stateDirToDelete: string | undefined;
}

/** How long to wait for deleted topics to disappear from the broker's topic list. */
const TOPIC_DELETION_TIMEOUT_MS = 30_000;

/** Works out the reset of `applicationId` and, unless `dryRun`, performs it; returns the plan. */
export async function resetApplication(broker: Broker, options: ResetOptions): Promise<ResetPlan> {
  const { applicationId } = options;
  const dryRun = options.dryRun ?? false;
  // Checked first: it validates the application id before anything else uses it.
  const stateDirToDelete = await existingStateDir(applicationId, options.stateDir);
  const existingTopics = new Set(await broker.listTopics());

  const inputTopics = [...new Set([...(options.topology?.userSourceTopics() ?? []), ...(options.inputTopics ?? [])])];
  const missingInputTopics = inputTopics.filter((topic) => !existingTopics.has(topic));
  const rewinds: OffsetRewind[] = [];
  for (const topic of inputTopics.filter((t) => existingTopics.has(t))) {
    const [committed, beginning] = await Promise.all([broker.committedOffsets(applicationId, topic), broker.beginningOffsets(topic)]);
    beginning.forEach((to, partition) => rewinds.push({ topic, partition, from: committed[partition] ?? null, to }));
  }

  const internalTopics = new Set([
    ...(options.topology?.internalTopics(applicationId).map((t) => t.name) ?? []),
    // Internal topics the current topology no longer declares (e.g. a removed store's changelog).
    ...[...existingTopics].filter((topic) => isInternalTopicName(topic, applicationId)),
  ]);
  const topicsToDelete = [...internalTopics].filter((topic) => existingTopics.has(topic)).sort();
  const deadLetters = deadLetterTopic(applicationId);
  let keptDeadLetterTopic: string | undefined;
  if (existingTopics.has(deadLetters)) {
    if (options.deleteDeadLetters) topicsToDelete.push(deadLetters);
    else keptDeadLetterTopic = deadLetters;
  }

  const plan: ResetPlan = {
    applicationId,
    dryRun,
    rewinds,
    missingInputTopics,
    topicsToDelete,
    keptDeadLetterTopic,
    stateDirToDelete,
  };
  if (dryRun) return plan;

  if (rewinds.length > 0) {
    try {
      await broker.setCommittedOffsets(
        applicationId,
        rewinds.map(({ topic, partition, to }) => ({ topic, partition, offset: to })),
      );
    } catch (err) {
      throw new Error(
        `cannot reset application '${applicationId}': rewinding consumer group '${applicationId}' failed, ` +
          `nothing was changed; stop every instance of the application first (${(err as Error).message})`,
        { cause: err },
      );
    }
  }
  if (topicsToDelete.length > 0) {
    await broker.deleteTopics(topicsToDelete);
    // A deletion reaches every broker's metadata asynchronously: a restart right after the reset
    // must not still see the old topics listed and skip creating them.
    await waitUntilGone(broker, topicsToDelete);
  }
  if (stateDirToDelete !== undefined) await rm(stateDirToDelete, { recursive: true, force: true });
  return plan;
}

/**
 * Deletes only the local state directory `<stateDir>/<applicationId>` (unless `dryRun`): what is
 * left to reset when the application's broker cannot be reached, e.g. an embedded broker that kept
 * no log. Returns the directory when it existed.
 */
export async function resetLocalState(options: Pick<ResetOptions, 'applicationId' | 'stateDir' | 'dryRun'>): Promise<string | undefined> {
  const dir = await existingStateDir(options.applicationId, options.stateDir);
  if (dir !== undefined && !options.dryRun) await rm(dir, { recursive: true, force: true });
  return dir;
}

async function existingStateDir(applicationId: string, stateDir: string | undefined): Promise<string | undefined> {
  // Resolving through the config validates the id, so a malformed one (`..`, `a/b`) cannot point
  // the recursive delete outside the state directory.
  const config = resolveConfig({ applicationId, ...(stateDir === undefined ? {} : { stateDir }) });
  const dir = join(config.stateDir, applicationId);
  try {
    await access(dir);
    return dir;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * `<applicationId>-<name>-repartition` or `<applicationId>-<name>-changelog`. Like Kafka Streams'
 * reset tool, this also matches the internal topics of an application whose id extends this one
 * (`orders-audit` when resetting `orders`): the plan lists every topic it deletes, so check it first.
 */
function isInternalTopicName(topic: string, applicationId: string): boolean {
  const prefix = `${applicationId}-`;
  return ['-repartition', '-changelog'].some(
    (suffix) => topic.startsWith(prefix) && topic.endsWith(suffix) && topic.length > prefix.length + suffix.length,
  );
}

async function waitUntilGone(broker: Broker, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + TOPIC_DELETION_TIMEOUT_MS;
  for (;;) {
    const listed = new Set(await broker.listTopics());
    const remaining = topics.filter((topic) => listed.has(topic));
    if (remaining.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`topics ${remaining.join(', ')} are still listed ${TOPIC_DELETION_TIMEOUT_MS} ms after being deleted`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
