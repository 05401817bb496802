import { describe, expect, test } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/index.js';
import { StreamsError, type Processor, type ProcessorContext, type RecordMetadata } from '../../../src/processor/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { Topology } from '../../../src/topology/index.js';
import { raw, taskFor } from './support/task-harness.js';
import { testStoreBuilder } from './support/test-key-value-store.js';

const serdes = { key: Serdes.string(), value: Serdes.string() };

function mergedTopology(): Topology {
  const builder = new StreamsBuilder();
  builder.stream('a', serdes).merge(builder.stream('b', serdes)).to('out');
  return builder.build();
}

const values = (sent: { value: Buffer | null }[]) => sent.map((r) => r.value?.toString());

describe('StreamTask', () => {
  test('is identified by sub-topology and partition and reads that partition of each source topic', () => {
    const { task } = taskFor(mergedTopology(), {}, 0, 2);
    expect(task.id).toBe('0_2');
    expect(task.inputPartitions).toEqual([
      { topic: 'a', partition: 2 },
      { topic: 'b', partition: 2 },
    ]);
  });

  test('takes the lowest-timestamp head across partitions; stream time is the highest timestamp seen', async () => {
    const { task, sent } = taskFor(mergedTopology());
    await task.initialize();
    expect(task.streamTime()).toBe(-1);
    task.addRecords(raw('a', 0, [[0, 'k', 'a@5', 5], [1, 'k', 'a@30', 30]]));
    task.addRecords(raw('b', 0, [[0, 'k', 'b@10', 10], [1, 'k', 'b@20', 20]]));
    expect(task.process()).toBe(4);
    expect(values(sent)).toEqual(['a@5', 'b@10', 'b@20', 'a@30']);
    expect(task.streamTime()).toBe(30);
  });

  test('keeps offset order within a partition, and stream time never goes backwards', async () => {
    const { task, sent } = taskFor(mergedTopology());
    await task.initialize();
    task.addRecords(raw('a', 0, [[0, 'k', 'late-first', 50], [1, 'k', 'early', 10]]));
    task.process();
    expect(values(sent)).toEqual(['late-first', 'early']);
    expect(task.streamTime()).toBe(50);
  });

  test('appends batches added before the buffered ones are processed, leaving the given arrays as they are', async () => {
    const { task, sent } = taskFor(mergedTopology());
    await task.initialize();
    const first = raw('a', 0, [[0, 'k', 'one', 1], [1, 'k', 'two', 2]]);
    const second = raw('a', 0, [[2, 'k', 'three', 3]]);
    task.addRecords(first);
    task.addRecords(second);
    expect(task.process()).toBe(3);
    expect(values(sent)).toEqual(['one', 'two', 'three']);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
  });

  test('commits the next offset of each partition consumed since the last commit', async () => {
    const { task } = taskFor(mergedTopology());
    await task.initialize();
    expect(task.offsetsToCommit()).toEqual([]);
    task.addRecords(raw('a', 0, [[7, 'k', 'x', 1], [8, 'k', 'y', 2]]));
    task.process();
    expect(task.offsetsToCommit()).toEqual([{ topic: 'a', partition: 0, offset: 9 }]);
    task.markCommitted();
    expect(task.offsetsToCommit()).toEqual([]);
    task.addRecords(raw('b', 0, [[3, 'k', 'z', 3]]));
    task.process();
    expect(task.offsetsToCommit()).toEqual([{ topic: 'b', partition: 0, offset: 4 }]);
  });

  test('records of a partition it does not own are refused', async () => {
    const { task } = taskFor(mergedTopology());
    expect(() => task.addRecords(raw('a', 1, [[0, 'k', 'v', 1]]))).toThrow(new StreamsError('Task 0_0 does not read a-1'));
    expect(() => task.addRecords(raw('elsewhere', 0, [[0, 'k', 'v', 1]]))).toThrow(StreamsError);
  });

  test('must be initialized before processing', () => {
    const { task } = taskFor(mergedTopology());
    expect(() => task.process()).toThrow('Task 0_0 must be initialized before it processes records');
  });

  test('a timestamp extractor sets event time and sees the partition time so far', async () => {
    const seen: number[] = [];
    const builder = new StreamsBuilder();
    builder
      .stream('a', {
        ...serdes,
        timestampExtractor: (_key, value, _raw, partitionTime) => {
          seen.push(partitionTime);
          return Number(value);
        },
      })
      .to('out');
    const { task, sent } = taskFor(builder.build());
    await task.initialize();
    task.addRecords(raw('a', 0, [[0, 'k', '100', 1], [1, 'k', '70', 2]]));
    task.process();
    expect(sent.map((r) => r.timestamp)).toEqual([100, 70]);
    expect(seen).toEqual([-1, 100]);
    expect(task.streamTime()).toBe(100);
  });

  test('processors see the metadata of the input record being processed', async () => {
    const seen: (RecordMetadata | undefined)[] = [];
    const topology = new Topology()
      .addSource('src', 'a', serdes)
      .addProcessor('p', () => {
        let context: ProcessorContext;
        return {
          init: (c: ProcessorContext) => (context = c),
          process: () => void seen.push({ ...context.recordMetadata()! }),
        } satisfies Processor<string, string>;
      }, 'src');
    const { task } = taskFor(topology);
    await task.initialize();
    task.addRecords(raw('a', 0, [[41, 'k', 'v', 1]]));
    task.process();
    expect(seen).toEqual([expect.objectContaining({ topic: 'a', partition: 0, offset: 41 })]);
  });

  test('opens stores before processors init, flushes them, and closes processors then stores', async () => {
    const events: string[] = [];
    const store = testStoreBuilder('s');
    const topology = new Topology()
      .addSource('src', 'a', serdes)
      .addProcessor('p', () => ({
        init: (c: ProcessorContext) => void events.push(`init, store opened: ${c.getStateStore<{ openedWith?: unknown }>('s').openedWith !== undefined}`),
        process: () => undefined,
        close: () => void events.push(`close, store closed: ${store.built[0].closed}`),
      }), 'src')
      .addStateStore(store, 'p');
    const { task } = taskFor(topology, { stateDir: '/tmp/state' }, 0, 1);
    await task.initialize();
    expect(store.built[0].openedWith).toMatchObject({ applicationId: 'app', taskId: '0_1', partition: 1, stateDir: '/tmp/state' });
    await task.flush();
    expect(store.built[0].flushes).toBe(1);
    await task.close();
    expect(events).toEqual(['init, store opened: true', 'close, store closed: false']);
    expect(store.built[0]).toMatchObject({ closed: true, flushes: 2 });
  });

  test('requestCommit is visible to the runtime until the next commit', async () => {
    const topology = new Topology().addSource('src', 'a', serdes).addProcessor('p', () => {
      let context: ProcessorContext;
      return { init: (c: ProcessorContext) => (context = c), process: () => context.requestCommit() };
    }, 'src');
    const { task } = taskFor(topology);
    await task.initialize();
    expect(task.commitRequested()).toBe(false);
    task.addRecords(raw('a', 0, [[0, 'k', 'v', 1]]));
    task.process();
    expect(task.commitRequested()).toBe(true);
    task.markCommitted();
    expect(task.commitRequested()).toBe(false);
  });

  test('a custom partitioner gets the partition count of the output topic', async () => {
    const builder = new StreamsBuilder();
    builder.stream('a', serdes).to('out', { partitioner: (key, _value, count) => (key === 'last' ? count - 1 : 0) });
    const { task, sent } = taskFor(builder.build());
    await task.initialize();
    task.addRecords(raw('a', 0, [[0, 'first', 'v', 1], [1, 'last', 'v', 2]]));
    task.process();
    expect(sent.map((r) => r.partition)).toEqual([0, 2]);
  });
});
