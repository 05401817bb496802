/**
 * The processors of a foreign-key table-table join (Kafka Streams' KIP-213 design): the left table
 * is keyed by K, its values name a key KO of the right table. Left and right live in different
 * tasks, so the join runs as a conversation over two internal topics:
 *
 * 1. `FkSubscriptionSend` (left task): for each left change, subscribes the left key to its foreign
 *    key on the registration topic (keyed by KO, so it reaches the right table's task), and
 *    unsubscribes from the previous foreign key when it changed. A left delete directly retracts
 *    the result.
 * 2. `FkSubscriptionReceive` (right task): records the subscription `(KO, K) -> hash of the left
 *    value` and answers with the right value on the response topic (keyed by K).
 * 3. `FkForeignUpdate` (right task): a right change answers every subscriber of its key.
 * 4. `FkResponseResolve` (left task): joins the answer with the current left value, and drops it
 *    when that value changed since the answer was asked for (its hash differs): a newer answer is
 *    on its way.
 *
 * Wire formats (bytes): subscription `[0 subscribe | 1 unsubscribe][16-byte MD5 of the left value][K]`;
 * response `[16-byte hash][0 no right value | 1][right value]`; subscription store key
 * `[KO length, 4 bytes][KO][K]`.
 */
import { createHash } from 'node:crypto';
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { Serde } from '../../serde/types.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import type { Change } from '../change.js';
import type { ValueGetter, ValueGetterSupplier } from '../value-getter.js';

const HASH_BYTES = 16;

export interface FkJoinSpec<K, V, KO, VO, VR> {
  readonly subscriptionStore: string;
  readonly foreignKey: (value: V) => KO;
  readonly joiner: (value: V, other: VO | null, key: K) => VR;
  readonly left: boolean;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly foreignKeySerde: Serde<KO>;
  readonly otherValueSerde: Serde<VO>;
  /** Child names of the send processor: the registration sink, and the result table. */
  readonly registrationSink: string;
  readonly result: string;
}

function hashOf<V>(spec: { readonly valueSerde: Serde<V>; readonly subscriptionStore: string }, value: V): Buffer {
  return createHash('md5').update(bytes(spec.valueSerde, value, spec.subscriptionStore)).digest();
}

function bytes<T>(serde: Serde<T>, value: T, topic: string): Buffer {
  return serde.serialize(value, topic) ?? Buffer.alloc(0);
}

class FkSubscriptionSend<K, V, KO, VO, VR> implements Processor<K, Change<V>, unknown, unknown> {
  private context!: ProcessorContext<unknown, unknown>;

  constructor(private readonly spec: FkJoinSpec<K, V, KO, VO, VR>) {}

  init(context: ProcessorContext<unknown, unknown>): void {
    this.context = context;
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const { spec } = this;
    const { newValue, oldValue } = record.value;
    const topic = spec.subscriptionStore;
    const newFk = newValue === null ? null : bytes(spec.foreignKeySerde, spec.foreignKey(newValue), topic);
    const oldFk = oldValue === null ? null : bytes(spec.foreignKeySerde, spec.foreignKey(oldValue), topic);
    const pk = bytes(spec.keySerde, record.key, topic);
    const send = (type: number, fk: Buffer, hash: Buffer) =>
      this.context.forward(
        { key: spec.foreignKeySerde.deserialize(fk, topic), value: Buffer.concat([Buffer.of(type), hash, pk]), timestamp: record.timestamp, headers: record.headers },
        spec.registrationSink,
      );
    if (oldFk !== null && (newFk === null || !oldFk.equals(newFk))) send(1, oldFk, Buffer.alloc(HASH_BYTES));
    if (newValue !== null) send(0, newFk!, hashOf(spec, newValue));
    else this.context.forward({ key: record.key, value: null, timestamp: record.timestamp, headers: record.headers }, spec.result);
  }
}

function subscriptionPrefix(fk: Buffer): Buffer {
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(fk.length);
  return Buffer.concat([length, fk]);
}

function response<VO>(spec: { readonly otherValueSerde: Serde<VO>; readonly subscriptionStore: string }, hash: Buffer, other: VO | null): Buffer {
  if (other === null) return Buffer.concat([hash, Buffer.of(0)]);
  return Buffer.concat([hash, Buffer.of(1), bytes(spec.otherValueSerde, other, spec.subscriptionStore)]);
}

class FkSubscriptionReceive<K, V, KO, VO, VR> implements Processor<KO, Buffer, K, Buffer> {
  private context!: ProcessorContext<K, Buffer>;
  private store!: KeyValueStore<Buffer, Buffer>;
  private other!: ValueGetter<KO, VO>;

  constructor(
    private readonly spec: FkJoinSpec<K, V, KO, VO, VR>,
    private readonly otherGetter: ValueGetterSupplier<KO, VO>,
  ) {}

  init(context: ProcessorContext<K, Buffer>): void {
    this.context = context;
    this.store = context.getStateStore(this.spec.subscriptionStore);
    this.other = this.otherGetter.get(context as ProcessorContext<unknown, unknown>);
  }

  process(record: StreamRecord<KO, Buffer>): void {
    const { spec } = this;
    const message = record.value;
    const hash = message.subarray(1, 1 + HASH_BYTES);
    const pk = message.subarray(1 + HASH_BYTES);
    const storeKey = Buffer.concat([subscriptionPrefix(bytes(spec.foreignKeySerde, record.key, spec.subscriptionStore)), pk]);
    if (message[0] === 1) {
      this.store.delete(storeKey);
      return;
    }
    this.store.put(storeKey, Buffer.from(hash));
    const key = spec.keySerde.deserialize(pk, spec.subscriptionStore);
    this.context.forward({ key, value: response(spec, hash, this.other(record.key)), timestamp: record.timestamp, headers: record.headers });
  }
}

class FkForeignUpdate<K, V, KO, VO, VR> implements Processor<KO, Change<VO>, K, Buffer> {
  private context!: ProcessorContext<K, Buffer>;
  private store!: KeyValueStore<Buffer, Buffer>;

  constructor(private readonly spec: FkJoinSpec<K, V, KO, VO, VR>) {}

  init(context: ProcessorContext<K, Buffer>): void {
    this.context = context;
    this.store = context.getStateStore(this.spec.subscriptionStore);
  }

  process(record: StreamRecord<KO, Change<VO>>): void {
    const { spec } = this;
    const prefix = subscriptionPrefix(bytes(spec.foreignKeySerde, record.key, spec.subscriptionStore));
    for (const { key: storeKey, value: hash } of this.store.range(prefix, undefined)) {
      if (storeKey.length < prefix.length || !storeKey.subarray(0, prefix.length).equals(prefix)) break;
      const key = spec.keySerde.deserialize(storeKey.subarray(prefix.length), spec.subscriptionStore);
      this.context.forward({ key, value: response(spec, hash, record.value.newValue), timestamp: record.timestamp, headers: record.headers });
    }
  }
}

class FkResponseResolve<K, V, KO, VO, VR> implements Processor<K, Buffer, K, VR | null> {
  private context!: ProcessorContext<K, VR | null>;
  private current!: ValueGetter<K, V>;

  constructor(
    private readonly spec: FkJoinSpec<K, V, KO, VO, VR>,
    private readonly leftGetter: ValueGetterSupplier<K, V>,
  ) {}

  init(context: ProcessorContext<K, VR | null>): void {
    this.context = context;
    this.current = this.leftGetter.get(context as ProcessorContext<unknown, unknown>);
  }

  process(record: StreamRecord<K, Buffer>): void {
    const { spec } = this;
    const value = this.current(record.key);
    if (value === null || !hashOf(spec, value).equals(record.value.subarray(0, HASH_BYTES))) return; // stale answer
    const other = record.value[HASH_BYTES] === 0 ? null : spec.otherValueSerde.deserialize(record.value.subarray(HASH_BYTES + 1), spec.subscriptionStore);
    const result = other === null && !spec.left ? null : spec.joiner(value, other, record.key);
    this.context.forward({ key: record.key, value: result, timestamp: record.timestamp, headers: record.headers });
  }
}

export const fkSubscriptionSendSupplier = <K, V, KO, VO, VR>(spec: FkJoinSpec<K, V, KO, VO, VR>): ProcessorSupplier<K, Change<V>, unknown, unknown> =>
  () => new FkSubscriptionSend(spec);
export const fkSubscriptionReceiveSupplier = <K, V, KO, VO, VR>(
  spec: FkJoinSpec<K, V, KO, VO, VR>,
  otherGetter: ValueGetterSupplier<KO, VO>,
): ProcessorSupplier<KO, Buffer, K, Buffer> => () => new FkSubscriptionReceive(spec, otherGetter);
export const fkForeignUpdateSupplier = <K, V, KO, VO, VR>(spec: FkJoinSpec<K, V, KO, VO, VR>): ProcessorSupplier<KO, Change<VO>, K, Buffer> =>
  () => new FkForeignUpdate(spec);
export const fkResponseResolveSupplier = <K, V, KO, VO, VR>(
  spec: FkJoinSpec<K, V, KO, VO, VR>,
  leftGetter: ValueGetterSupplier<K, V>,
): ProcessorSupplier<K, Buffer, K, VR | null> => () => new FkResponseResolve(spec, leftGetter);
