/**
 * Wiring of foreign-key table-table joins (see processors/foreign-key-join.ts for the protocol).
 * Internal topics: `<name>-subscription-registration-topic` (partitioned like the right table) and
 * `<name>-subscription-response-topic` (partitioned like the left table); stores: the right side's
 * `<name>-subscription-store` and the materialized result (`Materialized.name`, else
 * `<name>-store`), whose value serde must be given.
 */
import { Serdes } from '../serde/index.js';
import { TopologyError } from '../topology/topology-error.js';
import { KTable } from './ktable.js';
import { keyValueStoreBuilder, type Materialized } from './materialized.js';
import {
  fkForeignUpdateSupplier,
  fkResponseResolveSupplier,
  fkSubscriptionReceiveSupplier,
  fkSubscriptionSendSupplier,
  type FkJoinSpec,
} from './processors/foreign-key-join.js';
import { tableSourceSupplier } from './processors/table-source.js';
import { knownSerde, requireSerde } from './tracked-serde.js';
import { storeValueGetter } from './value-getter.js';

export function joinOnForeignKey<K, V, KO, VO, VR>(
  left: KTable<K, V>,
  right: KTable<KO, VO>,
  foreignKey: (value: V) => KO,
  joiner: (value: V, other: VO | null, key: K) => VR,
  leftJoin: boolean,
  materialized: Materialized<K, VR>,
): KTable<K, VR> {
  const graph = left.graph;
  if (right.graph !== graph) throw new TopologyError('join: both tables must come from the same StreamsBuilder');
  const base = materialized.name ?? graph.generateName('KTABLE-FK-JOIN-');
  const at = `foreign-key join ${base}`;
  const resultSerde = materialized.value;
  if (resultSerde === undefined) throw new TopologyError(`${at}: pass the result's value serde as { value: <serde> } in Materialized`);
  const keySerde = requireSerde(materialized.key, left.keySerde, 'key', at);
  const registrationTopic = `${base}-subscription-registration-topic`;
  const responseTopic = `${base}-subscription-response-topic`;
  const names = { send: `${base}-subscription-send`, receive: `${base}-subscription-receive`, update: `${base}-foreign-update`, resolve: `${base}-response-resolve`, result: `${base}-result` };
  const spec: FkJoinSpec<K, V, KO, VO, VR> = {
    subscriptionStore: `${base}-subscription-store`,
    foreignKey,
    joiner,
    left: leftJoin,
    keySerde,
    valueSerde: requireSerde(undefined, left.valueSerde, 'value', at),
    foreignKeySerde: requireSerde(undefined, right.keySerde, 'key', `${at} (other table)`),
    otherValueSerde: requireSerde(undefined, right.valueSerde, 'value', `${at} (other table)`),
    registrationSink: `${registrationTopic}-sink`,
    result: names.result,
  };
  const storeName = materialized.name ?? `${base}-store`;
  const registration = { key: spec.foreignKeySerde, value: Serdes.bytes() };
  const responses = { key: keySerde, value: Serdes.bytes() };
  const topology = graph.topology;
  topology.addRepartitionTopic(registrationTopic, { likeReaders: true });
  topology.addRepartitionTopic(responseTopic, { likeReaders: true });
  // Left task: subscribe.
  topology.addProcessor(names.send, fkSubscriptionSendSupplier(spec), left.nodeName);
  topology.addSink(spec.registrationSink, registrationTopic, registration, names.send);
  // Right task: record subscriptions, answer them, and answer again when the right value changes.
  topology.addSource(`${registrationTopic}-source`, registrationTopic, registration);
  topology.addProcessor(names.receive, fkSubscriptionReceiveSupplier(spec, right.valueGetter), `${registrationTopic}-source`);
  topology.addProcessor(names.update, fkForeignUpdateSupplier(spec), right.nodeName);
  topology.addStateStore(keyValueStoreBuilder(spec.subscriptionStore, { caching: false }, Serdes.bytes(), Serdes.bytes()), names.receive, names.update);
  topology.connectProcessorAndStateStores(names.receive, ...right.valueGetter.storeNames);
  topology.addSink(`${responseTopic}-sink`, responseTopic, responses, names.receive, names.update);
  // Left task: join the answers with the current left value, into the result table.
  topology.addSource(`${responseTopic}-source`, responseTopic, responses);
  topology.addProcessor(names.resolve, fkResponseResolveSupplier(spec, left.valueGetter), `${responseTopic}-source`);
  topology.connectProcessorAndStateStores(names.resolve, ...left.valueGetter.storeNames);
  topology.addProcessor(names.result, tableSourceSupplier<K, VR>(storeName), names.send, names.resolve);
  topology.addStateStore(keyValueStoreBuilder(storeName, materialized, keySerde, resultSerde), names.result);
  return new KTable(graph, names.result, knownSerde(keySerde), knownSerde(resultSerde), storeValueGetter(storeName), storeName);
}
