/**
 * Topics a topology creates for itself: repartition topics (between sub-topologies) and state store
 * changelogs. Their partition count usually follows the input of the sub-topology that writes them,
 * which the topology cannot know: only the broker knows user topics' partition counts. So the
 * topology describes the rule (`partitionsFrom`) and `internalTopicSpecs` applies it once the
 * runtime has the counts.
 */
import type { TopicSpec } from '../broker/types.js';

export interface InternalTopic {
  /** Real topic name, with the application id prefix: `<appId>-<name>-repartition`. */
  readonly name: string;
  readonly kind: 'repartition' | 'changelog';
  /** A fixed partition count (e.g. `repartition({ partitions: 8 })`). */
  readonly partitions?: number;
  /**
   * When `partitions` is absent: the topic gets the highest partition count among these real topic
   * names (the source topics of the sub-topology that writes it; may include other internal topics).
   */
  readonly partitionsFrom: readonly string[];
  readonly config: Readonly<Record<string, string>>;
}

/**
 * Turns internal topics into topic specs to create. `partitionCounts` has the counts of the user
 * topics the rules refer to; internal topics may depend on each other (a repartition after a
 * repartition) in any order.
 */
export function internalTopicSpecs(
  topics: readonly InternalTopic[],
  partitionCounts: ReadonlyMap<string, number>,
): TopicSpec[] {
  const known = new Map(partitionCounts);
  const resolved = new Map<string, TopicSpec>();
  let progressed = true;
  while (resolved.size < topics.length && progressed) {
    progressed = false;
    for (const topic of topics) {
      if (resolved.has(topic.name)) continue;
      const partitions = topic.partitions ?? maxKnownCount(topic.partitionsFrom, known);
      if (partitions === undefined) continue;
      known.set(topic.name, partitions);
      resolved.set(topic.name, { name: topic.name, partitions, config: { ...topic.config } });
      progressed = true;
    }
  }
  const unresolved = topics.filter((topic) => !resolved.has(topic.name));
  if (unresolved.length > 0) {
    const details = unresolved.map((t) => `${t.name} (from [${t.partitionsFrom.join(', ')}])`).join(', ');
    throw new Error(`Cannot compute the partition count of internal topics ${details}: unknown source topics`);
  }
  return topics.map((topic) => resolved.get(topic.name)!);
}

function maxKnownCount(names: readonly string[], known: ReadonlyMap<string, number>): number | undefined {
  let max: number | undefined;
  for (const name of names) {
    const count = known.get(name);
    if (count === undefined) return undefined;
    if (max === undefined || count > max) max = count;
  }
  return max;
}
