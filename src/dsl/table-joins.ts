/**
 * Wiring of table-table joins: each side gets a processor that joins its changes with the other
 * side's current value (read through the other's value getter, so both sides' stores join one
 * sub-topology and must be co-partitioned); a merge node combines both into the result table.
 */
import { TopologyError } from '../topology/topology-error.js';
import { KTable } from './ktable.js';
import type { Named } from './options.js';
import { passThroughSupplier } from './processors/stateless.js';
import { tableJoinFunction, tableTableJoinSupplier, type TableJoinKind } from './processors/table-table-join.js';
import { unknownSerde } from './tracked-serde.js';
import type { ValueGetterSupplier } from './value-getter.js';
import type { Change } from './change.js';

export function joinTables<K, V, VO, VJ>(
  left: KTable<K, V>,
  right: KTable<K, VO>,
  kind: TableJoinKind,
  joiner: (value: V | null, other: VO | null, key: K) => VJ,
  named: Named | undefined,
): KTable<K, VJ> {
  const graph = left.graph;
  if (right.graph !== graph) throw new TopologyError('join: both tables must come from the same StreamsBuilder');
  const join = tableJoinFunction<K, V, VO, VJ>(kind, joiner);
  const thisName = named?.name === undefined ? graph.generateName('KTABLE-JOINTHIS-') : `${named.name}-join-this`;
  const otherName = named?.name === undefined ? graph.generateName('KTABLE-JOINOTHER-') : `${named.name}-join-other`;
  const mergeName = named?.name === undefined ? graph.generateName('KTABLE-MERGE-') : named.name;
  const topology = graph.topology;
  topology.addProcessor(thisName, tableTableJoinSupplier<K, V, VO, VJ>(right.valueGetter, join), left.nodeName);
  topology.connectProcessorAndStateStores(thisName, ...right.valueGetter.storeNames);
  topology.addProcessor(otherName, tableTableJoinSupplier<K, VO, V, VJ>(left.valueGetter, (other, value, key) => join(value, other, key)), right.nodeName);
  topology.connectProcessorAndStateStores(otherName, ...left.valueGetter.storeNames);
  topology.addProcessor(mergeName, passThroughSupplier<K, Change<VJ>>(), thisName, otherName);
  const getter: ValueGetterSupplier<K, VJ> = {
    storeNames: [...left.valueGetter.storeNames, ...right.valueGetter.storeNames],
    get: (context) => {
      const getLeft = left.valueGetter.get(context);
      const getRight = right.valueGetter.get(context);
      return (key) => join(getLeft(key), getRight(key), key);
    },
  };
  return new KTable(graph, mergeName, left.keySerde, unknownSerde<VJ>(`join ${mergeName}`), getter, undefined);
}
