import { KafkaBroker } from '../broker/kafka/index.js';
import { StreamsBuilder } from '../dsl/streams-builder.js';
import { resetApplication, resetLocalState, type ResetPlan } from '../runtime/app-reset.js';
import { loadAppDefinition } from './load-app-definition.js';

interface ResetCommandOptions {
  brokers?: string[];
  stateDir?: string;
  dryRun?: boolean;
  deleteDeadLetters?: boolean;
}

export async function resetCommand(file: string, options: ResetCommandOptions): Promise<void> {
  const def = await loadAppDefinition(file);
  const applicationId = def.applicationId;
  const stateDir = options.stateDir ?? def.config?.stateDir;
  const dryRun = options.dryRun ?? false;
  const print = (lines: string[]) => process.stdout.write(lines.map((line) => `${line}\n`).join(''));

  if (!options.brokers) {
    // `tributary run` without --brokers uses a memory-only embedded broker: its topics and
    // offsets are gone when the process ends, so only local state outlives a run.
    const dir = await resetLocalState({ applicationId, stateDir, dryRun });
    print([
      header(applicationId, dryRun),
      '  no --brokers given: only local state is reset (the embedded broker of `tributary run` keeps no offsets or topics between runs)',
      dir === undefined ? '  no local state to delete' : `  ${dryRun ? 'would delete' : 'deleted'} local state ${dir}`,
    ]);
    return;
  }

  const builder = new StreamsBuilder();
  def.topology(builder);
  const broker = new KafkaBroker({ brokers: options.brokers, clientId: `${applicationId}-reset` });
  try {
    await broker.connect();
    const plan = await resetApplication(broker, {
      applicationId,
      topology: builder.build(),
      stateDir,
      dryRun,
      deleteDeadLetters: options.deleteDeadLetters ?? false,
    });
    print(describePlan(plan));
  } catch (err) {
    // A refused reset is an expected outcome (an instance still runs): a message, not a stack trace.
    process.stderr.write(`tributary reset: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await broker.close();
  }
}

function header(applicationId: string, dryRun: boolean): string {
  return dryRun ? `Reset of '${applicationId}' (dry run, nothing changed):` : `Reset of '${applicationId}':`;
}

/** The plan in plain lines, one action each, in the order they are performed. */
function describePlan(plan: ResetPlan): string[] {
  const verb = (future: string, past: string) => (plan.dryRun ? `would ${future}` : past);
  const lines = [header(plan.applicationId, plan.dryRun)];
  for (const { topic, partition, from, to } of plan.rewinds) {
    lines.push(`  ${verb('rewind', 'rewound')} ${topic}[${partition}] from ${from ?? 'no committed offset'} to ${to}`);
  }
  for (const topic of plan.missingInputTopics) lines.push(`  input topic ${topic} does not exist: nothing to rewind`);
  for (const topic of plan.topicsToDelete) lines.push(`  ${verb('delete', 'deleted')} topic ${topic}`);
  if (plan.keptDeadLetterTopic !== undefined) {
    lines.push(`  kept dead-letter topic ${plan.keptDeadLetterTopic} (--delete-dead-letters deletes it)`);
  }
  lines.push(
    plan.stateDirToDelete === undefined
      ? '  no local state to delete'
      : `  ${verb('delete', 'deleted')} local state ${plan.stateDirToDelete}`,
  );
  return lines;
}
