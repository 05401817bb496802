/**
 * Deletes what an interrupted `bench/run.ts` left on Kafka: topics and consumer groups named
 * `bench-run-…` (the runner prefixes every name with its run id; other scripts' names are left
 * alone). `tsx bench/cleanup.ts` lists them; `tsx bench/cleanup.ts --delete` deletes them. Do not
 * delete while a benchmark is running.
 */
import { kafkaBrokers, rawKafka } from './lib/kafka.js';

const PREFIX = 'bench-run-';
const remove = process.argv.includes('--delete');
const admin = rawKafka(kafkaBrokers(), 'tributary-bench-cleanup').admin();
await admin.connect();
try {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(PREFIX));
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(PREFIX));
  console.log(`topics: ${topics.join(', ') || '(none)'}`);
  console.log(`groups: ${groups.join(', ') || '(none)'}`);
  if (remove) {
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
    for (const group of groups) {
      // A group whose member was killed stays non-empty until its session times out (~30 s).
      await admin.deleteGroups([group]).catch((err: Error) => console.log(`group ${group} not deleted: ${err.message}; retry later`));
    }
    console.log('done');
  }
} finally {
  await admin.disconnect();
}
