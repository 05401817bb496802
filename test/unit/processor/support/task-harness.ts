/** Runs a StreamTask directly (no driver) with an in-memory collector. */
import type { ConsumedRecord, Headers } from '../../../../src/broker/types.js';
import { StreamTask, type OutgoingRecord, type TaskContextConfig } from '../../../../src/processor/index.js';
import type { Topology } from '../../../../src/topology/index.js';

export interface TaskHarness {
  task: StreamTask;
  sent: OutgoingRecord[];
}

export function taskFor(topology: Topology, overrides: Partial<TaskContextConfig> = {}, subtopologyId = 0, partition = 0): TaskHarness {
  const sent: OutgoingRecord[] = [];
  const task = new StreamTask(topology.subtopologies()[subtopologyId], partition, {
    applicationId: 'app',
    collector: { send: (record) => sent.push(record), partitionCount: () => 3 },
    resolveTopic: (name) => topology.resolveTopic(name, 'app'),
    deserializationExceptionHandler: 'continue',
    processingExceptionHandler: 'continue',
    clock: () => 0,
    ...overrides,
  });
  return { task, sent };
}

/** Raw records of one partition: `[offset, key, value, timestamp]`, strings as UTF-8. */
export function raw(topic: string, partition: number, rows: [number, string, string, number][], headers: Headers = {}): ConsumedRecord[] {
  return rows.map(([offset, key, value, timestamp]) => ({
    topic,
    partition,
    offset,
    key: Buffer.from(key),
    value: Buffer.from(value),
    timestamp,
    headers,
  }));
}
