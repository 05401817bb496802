/**
 * Benchmark runner: `tsx bench/run.ts [suite ...] [--quick] [--no-readme]`.
 *
 *   tsx bench/run.ts            every suite
 *   tsx bench/run.ts p1         only P1
 *   tsx bench/run.ts --quick    small record counts to check the harness; README left alone
 *
 * Prints one table per suite to stdout (progress goes to stderr) and rewrites the suite's marked
 * section of bench/README.md after a full (non-quick) run. Kafka rows use KAFKA_BROKERS
 * (comma-separated; default 127.0.0.1:9092) and are reported as not measured when it is down.
 *
 * A suite is a file exporting `suite: Suite` (bench/lib/suite.ts); add new ones to SUITES.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Suite } from './lib/suite.js';

// The engine logs through pino at import time; keep it quiet (and off the pretty-printing worker
// thread) unless asked otherwise. Set before any engine module is imported (suites load lazily).
process.env.TRIBUTARY_LOG_LEVEL ??= 'warn';
process.env.TRIBUTARY_LOG_FORMAT ??= 'json';

const SUITES: Record<string, () => Promise<{ suite: Suite }>> = {
  p1: () => import('./p1-stateless.js'),
  p2: () => import('./p2-windowed.js'),
};

function usage(): never {
  console.error(`usage: tsx bench/run.ts [${Object.keys(SUITES).join('|')}|all ...] [--quick] [--no-readme]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  for (const flag of flags) if (flag !== '--quick' && flag !== '--no-readme') usage();
  const quick = flags.has('--quick');
  const writeReadme = !quick && !flags.has('--no-readme');
  const names = args.filter((a) => !a.startsWith('--'));
  const selected = names.length === 0 || names.includes('all') ? Object.keys(SUITES) : names;
  for (const name of selected) if (!SUITES[name]) usage();

  const { formatTable, machineDescription, updateReadme } = await import('./lib/report.js');
  const { runInterruptCleanups } = await import('./lib/suite.js');
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`${signal}: cleaning up (again to exit at once)`);
    void runInterruptCleanups(15_000).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `bench-run-` marks names made by this runner (bench/cleanup.ts deletes only those).
  const runId = `bench-run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const started = new Date();
  console.log(`Tributary benchmarks — ${started.toISOString()} — ${machineDescription()}${quick ? ' — QUICK (small N)' : ''}`);

  let failed = false;
  for (const name of selected) {
    const t0 = performance.now();
    const log = (message: string) => console.error(`[${name} +${((performance.now() - t0) / 1000).toFixed(1)}s] ${message}`);
    try {
      // Loaded here, not at the top: a suite whose engine pieces do not load yet fails alone.
      const { suite } = await SUITES[name]();
      const result = await suite.run({ quick, runId, log });
      console.log(`\n${formatTable(result)}\n`);
      if (result.rows.some((r) => r.status === 'failed')) failed = true;
      if (writeReadme) {
        const readme = fileURLToPath(new URL('./README.md', import.meta.url));
        await updateReadme(readme, result, started);
        log(`results written to ${readme}`);
      }
    } catch (err) {
      failed = true;
      console.error(`suite ${name} failed:`, err);
    }
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  // Engine timers (commit intervals, kafkajs sockets) must not keep a finished benchmark alive.
  process.exit(failed ? 1 : 0);
}

await main();
