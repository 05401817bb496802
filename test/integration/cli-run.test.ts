/**
 * The main job as users start it: `tributary run topologies/temperature-alerts.ts --simulate`
 * (what `npm start` runs), on the embedded broker and on the real Kafka broker, as a child process.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { kafkaBrokers } from '../helpers/services.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

async function runMainJob(extraArgs: string[]) {
  const { stdout } = await run(
    process.execPath,
    ['bin/tributary.mjs', 'run', 'topologies/temperature-alerts.ts', '--simulate', '--duration', '6', ...extraArgs],
    { cwd: root, env: { ...process.env, TRIBUTARY_LOG_FORMAT: 'json', TRIBUTARY_LOG_LEVEL: 'info' }, timeout: 60_000 },
  );
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; status?: string; sensorId?: string; processed?: number; to?: string });
}

describe('tributary run (the main job)', () => {
  it('shows alerts flowing on the embedded broker and stops gracefully', async () => {
    const lines = await runMainJob([]);
    const alerts = lines.filter((l) => l.msg === 'temperature alert');
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.status === 'ALERT' && a.sensorId?.startsWith('sensor-'))).toBe(true);
    expect(lines.some((l) => l.to === 'NOT_RUNNING')).toBe(true);
    expect(lines.find((l) => l.msg === 'stopped')!.processed).toBeGreaterThan(0);
  });

  it('runs the same topology over real Kafka with --brokers', async () => {
    const lines = await runMainJob(['--brokers', kafkaBrokers().join(','), '--state-dir', `/tmp/tributary-cli-${Date.now()}`]);
    expect(lines.find((l) => l.msg === 'stopped')!.processed).toBeGreaterThan(0);
    expect(lines.some((l) => l.to === 'RUNNING')).toBe(true);
    expect(lines.some((l) => l.to === 'NOT_RUNNING')).toBe(true);
  });
});
