/**
 * Exactly-once under SIGKILL: two instances of the windowed count (1-minute tumbling windows per
 * sensor) run under `exactly_once_v2` while readings flow in; one instance at a time is SIGKILLed
 * at a random point, five times, and restarted with the same instance id and state directory.
 * Read with read_committed, the output must hold, per (sensor, window), exactly the counts
 * 1, 2, ..., n where n is the reference computed here from the input: the latest count equals the
 * reference, no count repeats or goes backwards, and every reading produced exactly one output.
 */
import { describe, expect, it } from 'vitest';
import { duplicateOutputs, exactSequenceViolations, lostInputs, reference } from './fault-helpers.js';
import { killRun } from './kill-run.js';

const RECORDS = 100_000;
const KILLS = 5;

describe('exactly-once under SIGKILL (real Kafka, worker processes)', () => {
  it(`${RECORDS} readings, ${KILLS} kills: every (sensor, window) count exactly once, equal to the reference`, async () => {
    const run = await killRun({ guarantee: 'exactly_once_v2', records: RECORDS, kills: KILLS, produceOverMs: 40_000, log: (l) => console.log(`[eos] ${l}`) });
    const expected = reference(run.readings);
    const lost = lostInputs(run.readings, run.analysis);
    const duplicates = duplicateOutputs(run.analysis);
    const violations = exactSequenceViolations(expected, run.analysis);
    console.log(
      `[eos] seed ${run.seed}: ${run.analysis.records} output records for ${RECORDS} readings, ${expected.size} (sensor, window) pairs; ` +
        `lost ${lost.length}, duplicates ${duplicates}, sequence violations ${violations.length}; restored after restarts: ${run.restored.join(', ')}; ` +
        `busy kills ${run.kills.filter((k) => k.busy).length}/${run.kills.length}; drain ${run.drainMs} ms; total ${run.durationMs} ms`,
    );
    expect(run.kills).toHaveLength(KILLS);
    expect(run.kills.some((k) => k.busy), 'at least one kill landed while the victim was processing').toBe(true);
    expect(lost.slice(0, 10), `${lost.length} readings produced no output`).toEqual([]);
    expect(duplicates, 'output records beyond one per reading').toBe(0);
    expect(violations.slice(0, 10), `${violations.length} (sensor, window) sequences differ from 1..reference`).toEqual([]);
    expect(run.analysis.records).toBe(RECORDS);
  }, 240_000);
});
