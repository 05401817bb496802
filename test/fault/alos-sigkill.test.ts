/**
 * At-least-once under SIGKILL: the same run as the exactly-once test, under `at_least_once` (with
 * the runtime's default commit interval). Nothing may be lost: every reading produced at least one
 * output record, and every (sensor, window)'s latest count reaches at least its reference (it may
 * exceed it: readings processed after the last commit are counted again on replay). The number of
 * duplicates is printed.
 */
import { describe, expect, it } from 'vitest';
import { duplicateOutputs, lostInputs, reference } from './fault-helpers.js';
import { killRun } from './kill-run.js';

const RECORDS = 100_000;
const KILLS = 5;

describe('at-least-once under SIGKILL (real Kafka, worker processes)', () => {
  it(`${RECORDS} readings, ${KILLS} kills: nothing lost; duplicates counted`, async () => {
    const run = await killRun({ guarantee: 'at_least_once', records: RECORDS, kills: KILLS, produceOverMs: 40_000, commitIntervalMs: 1_000, log: (l) => console.log(`[alos] ${l}`) });
    const expected = reference(run.readings);
    const lost = lostInputs(run.readings, run.analysis);
    const duplicates = duplicateOutputs(run.analysis);
    const short: string[] = [];
    let over = 0;
    for (const [key, want] of expected) {
      const last = run.analysis.sequences.get(key)?.at(-1) ?? 0;
      if (last < want) short.push(`${key}: latest ${last} < reference ${want}`);
      if (last > want) over++;
    }
    const replayedReadings = [...run.analysis.perInput.values()].filter((n) => n > 1).length;
    console.log(
      `[alos] seed ${run.seed}: ${run.analysis.records} output records for ${RECORDS} readings; lost ${lost.length}; ` +
        `DUPLICATES ${duplicates} output records (${replayedReadings} readings processed more than once); ` +
        `${over}/${expected.size} (sensor, window) counts above the reference; restored after restarts: ${run.restored.join(', ')}; ` +
        `busy kills ${run.kills.filter((k) => k.busy).length}/${run.kills.length}; drain ${run.drainMs} ms; total ${run.durationMs} ms`,
    );
    expect(run.kills).toHaveLength(KILLS);
    expect(run.kills.some((k) => k.busy), 'at least one kill landed while the victim was processing').toBe(true);
    expect(lost.slice(0, 10), `${lost.length} readings produced no output`).toEqual([]);
    expect(short.slice(0, 10), `${short.length} (sensor, window) counts below the reference`).toEqual([]);
    expect(run.analysis.records).toBe(RECORDS + duplicates);
  }, 240_000);
});
