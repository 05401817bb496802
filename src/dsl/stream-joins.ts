/**
 * Wiring of the joins a KStream starts: stream-stream (windowed), stream-table and
 * stream-GlobalKTable. Streams whose key changed since they were last partitioned are repartitioned
 * first (through `<name>-repartition` topics), since matching keys must meet in one task; a global
 * table needs no co-partitioning.
 */
import { Serdes } from '../serde/index.js';
import { TopologyError } from '../topology/topology-error.js';
import type { GlobalKTable } from './global-ktable.js';
import type { JoinWindows } from './join-windows.js';
import type { OuterValueJoiner } from './joiners.js';
import type { KStream } from './kstream.js';
import type { KTable } from './ktable.js';
import { listSerde } from './list-serde.js';
import { keyValueStoreBuilder, windowStoreBuilder } from './materialized.js';
import type { Joined, Named, StreamJoined } from './options.js';
import { passThroughSupplier, type KeyValueMapper } from './processors/stateless.js';
import { streamStreamJoinSupplier, type StreamJoinSpec } from './processors/stream-stream-join.js';
import { streamTableJoinSupplier } from './processors/stream-table-join.js';
import { requireSerde, unknownSerde } from './tracked-serde.js';
import { storeValueGetter } from './value-getter.js';

export type StreamJoinKind = 'inner' | 'left' | 'outer';

export function joinStreams<K, V, VO, VR>(
  left: KStream<K, V>,
  right: KStream<K, VO>,
  kind: StreamJoinKind,
  joiner: OuterValueJoiner<K, V, VO, VR>,
  windows: JoinWindows,
  options: StreamJoined<K, V, VO>,
): KStream<K, VR> {
  const graph = left.graph;
  if (right.graph !== graph) throw new TopologyError('join: both streams must come from the same StreamsBuilder');
  const thisName = options.name === undefined ? graph.generateName('KSTREAM-JOINTHIS-') : `${options.name}-this-join`;
  const otherName = options.name === undefined ? graph.generateName('KSTREAM-JOINOTHER-') : `${options.name}-other-join`;
  const at = `join ${thisName}`;
  const key = requireSerde(options.key, left.keySerde, 'key', at);
  const value = requireSerde(options.value, left.valueSerde, 'value', at);
  const otherValue = requireSerde(options.otherValue, right.valueSerde, 'value', `${at} (other side)`);
  const leftInput = left.repartitionRequired ? left.repartition({ name: `${thisName}-left`, key, value }) : left;
  const rightInput = right.repartitionRequired ? right.repartition({ name: `${thisName}-right`, key, value: otherValue }) : right;

  const { beforeMs, afterMs, graceMs } = windows;
  const materialized = { storeType: options.storeType, logging: options.logging ?? true };
  // Records are points in time; they are kept while a partner may still arrive.
  const retention = beforeMs + afterMs + graceMs + 1;
  const topology = graph.topology;
  const spec: StreamJoinSpec<K, V, VO, VR> = {
    leftStore: `${thisName}-store`,
    rightStore: `${otherName}-store`,
    leftUnmatchedStore: kind === 'inner' ? undefined : `${thisName}-unmatched-store`,
    rightUnmatchedStore: kind === 'outer' ? `${otherName}-unmatched-store` : undefined,
    beforeMs,
    afterMs,
    graceMs,
    keySerde: key,
    joiner,
  };
  topology.addProcessor(thisName, streamStreamJoinSupplier(spec, 'left'), leftInput.nodeName);
  topology.addProcessor(otherName, streamStreamJoinSupplier(spec, 'right'), rightInput.nodeName);
  const users = [thisName, otherName];
  topology.addStateStore(windowStoreBuilder(spec.leftStore, materialized, key, listSerde(value), 1, retention), ...users);
  topology.addStateStore(windowStoreBuilder(spec.rightStore, materialized, key, listSerde(otherValue), 1, retention), ...users);
  const unmatched = { ...materialized, caching: false };
  if (spec.leftUnmatchedStore !== undefined) {
    topology.addStateStore(keyValueStoreBuilder(spec.leftUnmatchedStore, unmatched, Serdes.bytes(), listSerde(value)), ...users);
  }
  if (spec.rightUnmatchedStore !== undefined) {
    topology.addStateStore(keyValueStoreBuilder(spec.rightUnmatchedStore, unmatched, Serdes.bytes(), listSerde(otherValue)), ...users);
  }
  const mergeName = options.name === undefined ? graph.generateName('KSTREAM-MERGE-') : `${options.name}-merge`;
  topology.addProcessor(mergeName, passThroughSupplier<K, VR>(), thisName, otherName);
  return left.derive(mergeName, left.keySerde, unknownSerde<VR>(`join ${mergeName}`), false);
}

export function joinStreamTable<K, V, VT, VR>(
  stream: KStream<K, V>,
  table: KTable<K, VT>,
  left: boolean,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  joined: Joined<K, V>,
): KStream<K, VR> {
  const graph = stream.graph;
  if (table.graph !== graph) throw new TopologyError('join: the stream and the table must come from the same StreamsBuilder');
  const name = graph.nodeName(joined, 'KSTREAM-JOIN-');
  const input = stream.repartitionRequired
    ? stream.repartition({
        name: `${name}-left`,
        key: requireSerde(joined.key, stream.keySerde, 'key', `join ${name}`),
        value: requireSerde(joined.value, stream.valueSerde, 'value', `join ${name}`),
      })
    : stream;
  graph.topology.addProcessor(name, streamTableJoinSupplier(table.valueGetter, (key: K) => key, joiner, left), input.nodeName);
  graph.topology.connectProcessorAndStateStores(name, ...table.valueGetter.storeNames);
  return stream.derive(name, stream.keySerde, unknownSerde<VR>(`join ${name}`), false);
}

export function joinStreamGlobalTable<K, V, GK, GV, VR>(
  stream: KStream<K, V>,
  table: GlobalKTable<GK, GV>,
  keySelector: KeyValueMapper<K, V, GK>,
  left: boolean,
  joiner: (value: V, tableValue: GV | null, key: K) => VR,
  named: Named | undefined,
): KStream<K, VR> {
  const graph = stream.graph;
  const name = graph.nodeName(named, 'KSTREAM-JOIN-');
  graph.topology.addProcessor(name, streamTableJoinSupplier(storeValueGetter<GK, GV>(table.queryableStoreName), keySelector, joiner, left), stream.nodeName);
  return stream.derive(name, stream.keySerde, unknownSerde<VR>(`join ${name}`), stream.repartitionRequired);
}
