import { describe, expect, test } from 'vitest';
import type { ProcessorSupplier } from '../../../src/processor/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { internalTopicSpecs, Topology, TopologyError } from '../../../src/topology/index.js';
import { testStoreBuilder } from '../processor/support/test-key-value-store.js';

const serdes = { key: Serdes.string(), value: Serdes.string() };
const noop: ProcessorSupplier<string, string> = () => ({ process: () => undefined });

/** Processor-API topology: two user topics read together, a repartition, a stateful second part. */
function twoPartTopology(): Topology {
  return new Topology()
    .addSource('orders-source', ['orders', 'orders-eu'], serdes)
    .addProcessor('rekey', noop, 'orders-source')
    .addRepartitionTopic('by-customer-repartition')
    .addSink('to-repartition', 'by-customer-repartition', serdes, 'rekey')
    .addSource('from-repartition', 'by-customer-repartition', serdes)
    .addProcessor('count', noop, 'from-repartition')
    .addStateStore(testStoreBuilder('counts', true), 'count')
    .addSink('out', 'customer-counts', serdes, 'count');
}

describe('Topology (Processor API)', () => {
  test('sub-topologies are the connected parts; a repartition topic cuts the graph', () => {
    const subtopologies = twoPartTopology().subtopologies();
    expect(subtopologies.map((s) => ({ id: s.id, nodes: s.nodes.map((n) => n.name), topics: s.sourceTopics, stores: s.stores.map((b) => b.name) }))).toEqual([
      { id: 0, nodes: ['orders-source', 'rekey', 'to-repartition'], topics: ['orders', 'orders-eu'], stores: [] },
      { id: 1, nodes: ['from-repartition', 'count', 'out'], topics: ['by-customer-repartition'], stores: ['counts'] },
    ]);
  });

  test('processors sharing a store are in one sub-topology even without an edge', () => {
    const topology = new Topology()
      .addSource('a', 'topic-a', serdes)
      .addProcessor('pa', noop, 'a')
      .addSource('b', 'topic-b', serdes)
      .addProcessor('pb', noop, 'b')
      .addStateStore(testStoreBuilder('shared'), 'pa', 'pb');
    expect(topology.subtopologies().map((s) => s.sourceTopics)).toEqual([['topic-a', 'topic-b']]);
  });

  test('children are linked in the order they were added', () => {
    const topology = new Topology()
      .addSource('src', 'in', serdes)
      .addProcessor('first', noop, 'src')
      .addSink('second', 'out', serdes, 'src');
    expect(topology.subtopologies()[0].nodes[0]).toMatchObject({ kind: 'source', children: ['first', 'second'] });
  });

  test('topic names: internal ones get the application id, user ones do not', () => {
    const topology = twoPartTopology();
    expect(topology.resolveTopic('by-customer-repartition', 'shop')).toBe('shop-by-customer-repartition');
    expect(topology.resolveTopic('orders', 'shop')).toBe('orders');
    expect(topology.sourceTopics('shop')).toEqual(['orders', 'orders-eu', 'shop-by-customer-repartition']);
    expect(topology.userSourceTopics()).toEqual(['orders', 'orders-eu']);
    expect(topology.sinkTopics()).toEqual(['customer-counts']);
  });

  test('internal topics follow the partition count of the sub-topology that writes them', () => {
    expect(twoPartTopology().internalTopics('shop')).toEqual([
      {
        name: 'shop-by-customer-repartition',
        kind: 'repartition',
        partitions: undefined,
        partitionsFrom: ['orders', 'orders-eu'],
        config: { 'cleanup.policy': 'delete' },
      },
      {
        name: 'shop-counts-changelog',
        kind: 'changelog',
        partitionsFrom: ['shop-by-customer-repartition'],
        config: { 'cleanup.policy': 'compact' },
      },
    ]);
  });

  test('internalTopicSpecs resolves counts through chains of internal topics, in any order', () => {
    const specs = internalTopicSpecs(
      [
        { name: 'app-b-repartition', kind: 'repartition', partitionsFrom: ['app-a-repartition'], config: {} },
        { name: 'app-a-repartition', kind: 'repartition', partitionsFrom: ['left', 'right'], config: {} },
        { name: 'app-fixed-repartition', kind: 'repartition', partitions: 2, partitionsFrom: ['unknown'], config: { x: 'y' } },
      ],
      new Map([
        ['left', 3],
        ['right', 6],
      ]),
    );
    expect(specs).toEqual([
      { name: 'app-b-repartition', partitions: 6, config: {} },
      { name: 'app-a-repartition', partitions: 6, config: {} },
      { name: 'app-fixed-repartition', partitions: 2, config: { x: 'y' } },
    ]);
    expect(() =>
      internalTopicSpecs([{ name: 'app-c-repartition', kind: 'repartition', partitionsFrom: ['nowhere'], config: {} }], new Map()),
    ).toThrow(/app-c-repartition \(from \[nowhere\]\)/);
  });

  test('validate: topics read by one sub-topology must be co-partitioned; the error names them', () => {
    const topology = twoPartTopology();
    const counts = new Map([
      ['orders', 4],
      ['orders-eu', 4],
      ['shop-by-customer-repartition', 4],
    ]);
    expect(() => topology.validate(counts, 'shop')).not.toThrow();
    counts.set('orders-eu', 2);
    expect(() => topology.validate(counts, 'shop')).toThrow(
      new TopologyError(
        'Topics orders (4 partitions), orders-eu (2 partitions) are read together by sub-topology 0 and must be co-partitioned: give them the same number of partitions',
      ),
    );
    counts.delete('orders-eu');
    expect(() => topology.validate(counts, 'shop')).toThrow('Source topics [orders-eu] of sub-topology 0 do not exist');
  });

  test('rejects graphs that cannot run', () => {
    const topology = new Topology().addSource('src', 'in', serdes).addSink('sink', 'out', serdes, 'src');
    expect(() => topology.addSource('src', 'other', serdes)).toThrow('A node named src already exists in this topology');
    expect(() => topology.addSource('src2', 'in', serdes)).toThrow('Topic in is already read by source src; a topic can have only one source');
    expect(() => topology.addProcessor('p', noop, 'ghost')).toThrow('Parent ghost of p does not exist (add parents first)');
    expect(() => topology.addProcessor('p', noop, 'sink')).toThrow('Sink sink cannot be the parent of p');
    expect(() => topology.addProcessor('p', noop)).toThrow('p needs at least one parent');
    expect(() => topology.addSource('empty', [], serdes)).toThrow('Source empty must read at least one topic');
    expect(() => topology.connectProcessorAndStateStores('sink', 'x')).toThrow('no processor has that name');
    topology.addStateStore(testStoreBuilder('s'));
    expect(() => topology.addStateStore(testStoreBuilder('s'))).toThrow('State store s is already added');
    expect(() => topology.addRepartitionTopic('r').addRepartitionTopic('r')).toThrow('Repartition topic r is already declared');
  });
});
