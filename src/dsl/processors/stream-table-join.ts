/**
 * The processor behind stream-table and stream-GlobalKTable joins: each stream record looks up the
 * table's current value for its lookup key (the record key, or a key computed from the record for a
 * global table). Inner join: records without a table value produce nothing; left join: the joiner
 * gets `null`. Table updates never trigger output. Records with a null key or value are dropped.
 */
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { LeftValueJoiner } from '../joiners.js';
import type { ValueGetter, ValueGetterSupplier } from '../value-getter.js';

class StreamTableJoinProcessor<K, V, KT, VT, VR> implements Processor<K, V, K, VR> {
  private context!: ProcessorContext<K, VR>;
  private lookup!: ValueGetter<KT, VT>;

  constructor(
    private readonly table: ValueGetterSupplier<KT, VT>,
    private readonly lookupKey: (key: K, value: V, record: StreamRecord<K, V>) => KT,
    private readonly joiner: LeftValueJoiner<K, V, VT, VR>,
    private readonly left: boolean,
  ) {}

  init(context: ProcessorContext<K, VR>): void {
    this.context = context;
    this.lookup = this.table.get(context as ProcessorContext<unknown, unknown>);
  }

  process(record: StreamRecord<K, V>): void {
    const { key, value } = record;
    if (key === null || value === null) {
      this.context.countDroppedRecord();
      return;
    }
    const tableKey = this.lookupKey(key, value, record);
    const tableValue = tableKey === null || tableKey === undefined ? null : this.lookup(tableKey);
    if (tableValue === null && !this.left) return;
    this.context.forward({ key, value: this.joiner(value, tableValue, key), timestamp: record.timestamp, headers: record.headers });
  }
}

export const streamTableJoinSupplier = <K, V, KT, VT, VR>(
  table: ValueGetterSupplier<KT, VT>,
  lookupKey: (key: K, value: V, record: StreamRecord<K, V>) => KT,
  joiner: LeftValueJoiner<K, V, VT, VR>,
  left: boolean,
): ProcessorSupplier<K, V, K, VR> => () => new StreamTableJoinProcessor(table, lookupKey, joiner, left);
