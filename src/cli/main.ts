/**
 * The `tributary` command line:
 *   tributary run <topology-file> [--brokers host:port,...] [--simulate] [--duration <s>] [--state-dir <dir>]
 *   tributary describe <topology-file> [--mermaid]
 *   tributary reset <topology-file> [--brokers host:port,...] [--state-dir <dir>] [--dry-run] [--delete-dead-letters]
 */
import { Command, InvalidArgumentError } from 'commander';
import { describeCommand } from './describe-command.js';
import { resetCommand } from './reset-command.js';
import { runCommand } from './run-command.js';

function brokerList(value: string): string[] {
  const brokers = value.split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d+$/.test(b))) {
    throw new InvalidArgumentError(`expected host:port[,host:port...], got '${value}'`);
  }
  return brokers;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

const program = new Command()
  .name('tributary')
  .description('Kafka Streams for TypeScript: run and inspect stream-processing topologies')
  .showHelpAfterError();

program
  .command('run')
  .description('run a topology file (embedded broker unless --brokers is given)')
  .argument('<topology-file>', 'a .ts/.js file whose default export comes from defineApp()')
  .option('--brokers <list>', 'Kafka bootstrap servers, comma separated', brokerList)
  .option('--simulate', "also run the file's simulator, producing sample input")
  .option('--duration <seconds>', 'close gracefully after this many seconds', positiveNumber)
  .option('--state-dir <dir>', 'directory for local state')
  .action(runCommand);

program
  .command('describe')
  .description("print a topology file's topology")
  .argument('<topology-file>', 'a .ts/.js file whose default export comes from defineApp()')
  .option('--mermaid', 'print a Mermaid flowchart instead of text')
  .action(describeCommand);

program
  .command('reset')
  .description('make the next run reprocess all input: rewind offsets, delete internal topics and local state')
  .argument('<topology-file>', 'a .ts/.js file whose default export comes from defineApp()')
  .option('--brokers <list>', 'Kafka bootstrap servers, comma separated (without it, only local state is reset)', brokerList)
  .option('--state-dir <dir>', 'directory for local state')
  .option('--dry-run', 'print what would be done, change nothing')
  .option('--delete-dead-letters', 'also delete the dead-letter topic <applicationId>-dlq')
  .action(resetCommand);

await program.parseAsync(process.argv);
