import { describe, expect, test } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import type { Topology } from '../../../src/topology/index.js';
import { testStoreBuilder } from '../processor/support/test-key-value-store.js';

interface Reading {
  site: string;
  celsius: number;
}

/** Two sub-topologies: a merge of two topics re-keyed by site, then a stateful count per site. */
function siteAlerts(): Topology {
  const builder = new StreamsBuilder();
  const serdes = { key: Serdes.string(), value: Serdes.json<Reading>() };
  builder.addStateStore(testStoreBuilder('site-counts'));
  builder
    .stream('temperature', serdes)
    .merge(builder.stream('temperature-legacy', serdes))
    .filter((_key, r) => r.celsius > 30)
    .selectKey((_key, r) => r.site)
    .repartition({ name: 'by-site', key: Serdes.string() })
    .process(() => ({ process: () => undefined }), 'site-counts', { name: 'count-per-site' })
    .to(() => 'alerts', { key: Serdes.string(), value: Serdes.string() });
  return builder.build();
}

describe('describe()', () => {
  test('prints sub-topologies the way Kafka Streams does', () => {
    expect(siteAlerts().describe().toString()).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [temperature])',
        '      --> KSTREAM-MERGE-0000000002',
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [temperature-legacy])',
        '      --> KSTREAM-MERGE-0000000002',
        '    Processor: KSTREAM-MERGE-0000000002 (stores: [])',
        '      --> KSTREAM-FILTER-0000000003',
        '      <-- KSTREAM-SOURCE-0000000000, KSTREAM-SOURCE-0000000001',
        '    Processor: KSTREAM-FILTER-0000000003 (stores: [])',
        '      --> KSTREAM-KEY-SELECT-0000000004',
        '      <-- KSTREAM-MERGE-0000000002',
        '    Processor: KSTREAM-KEY-SELECT-0000000004 (stores: [])',
        '      --> by-site-repartition-sink',
        '      <-- KSTREAM-FILTER-0000000003',
        '    Sink: by-site-repartition-sink (topic: by-site-repartition)',
        '      <-- KSTREAM-KEY-SELECT-0000000004',
        '',
        '   Sub-topology: 1',
        '    Source: by-site-repartition-source (topics: [by-site-repartition])',
        '      --> count-per-site',
        '    Processor: count-per-site (stores: [site-counts])',
        '      --> KSTREAM-SINK-0000000005',
        '      <-- by-site-repartition-source',
        '    Sink: KSTREAM-SINK-0000000005 (topic extractor)',
        '      <-- count-per-site',
        '',
        '',
      ].join('\n'),
    );
  });

  test('draws a Mermaid flowchart with topics linking the sub-topologies', () => {
    expect(siteAlerts().describe().toMermaid()).toBe(
      [
        'flowchart TD',
        '  t0(["temperature"])',
        '  t1(["temperature-legacy"])',
        '  t2(["by-site-repartition"])',
        '  subgraph sub0 ["Sub-topology: 0"]',
        '    n0[/"KSTREAM-SOURCE-0000000000"/]',
        '    n1[/"KSTREAM-SOURCE-0000000001"/]',
        '    n2["KSTREAM-MERGE-0000000002"]',
        '    n3["KSTREAM-FILTER-0000000003"]',
        '    n4["KSTREAM-KEY-SELECT-0000000004"]',
        '    n5[\\"by-site-repartition-sink"\\]',
        '    n0 --> n2',
        '    n1 --> n2',
        '    n2 --> n3',
        '    n3 --> n4',
        '    n4 --> n5',
        '  end',
        '  subgraph sub1 ["Sub-topology: 1"]',
        '    n6[/"by-site-repartition-source"/]',
        '    n7["count-per-site"]',
        '    s0[("site-counts")]',
        '    n8[\\"KSTREAM-SINK-0000000005"\\]',
        '    n6 --> n7',
        '    n7 --> n8',
        '    n7 -.- s0',
        '  end',
        '  t0 --> n0',
        '  t1 --> n1',
        '  n5 --> t2',
        '  t2 --> n6',
        '',
      ].join('\n'),
    );
  });

  test('exposes the same picture as data', () => {
    const [first, second] = siteAlerts().describe().subtopologies;
    expect(first.nodes[0]).toEqual({
      kind: 'source',
      name: 'KSTREAM-SOURCE-0000000000',
      topics: ['temperature'],
      successors: ['KSTREAM-MERGE-0000000002'],
    });
    expect(second.nodes.at(-1)).toEqual({ kind: 'sink', name: 'KSTREAM-SINK-0000000005', topic: undefined, predecessors: ['count-per-site'] });
  });

  test('a processor without children says so, and labels with quotes stay valid Mermaid', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', { key: Serdes.string(), value: Serdes.string(), name: 'say "hi"' }).foreach(() => undefined);
    const description = builder.build().describe();
    expect(description.toString()).toContain('    Processor: KSTREAM-FOREACH-0000000000 (stores: [])\n      --> none\n      <-- say "hi"\n');
    expect(description.toMermaid()).toContain('    n0[/"say #quot;hi#quot;"/]\n');
  });
});
