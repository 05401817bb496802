/**
 * One side of a table-table join: a change on this side is joined with the other table's current
 * value for the key, for both the new and the old value, so downstream gets the joined result's
 * change. The kind of join decides when a side may be missing: inner (never), left (the right
 * side), outer (either side, not both). A joined result that is absent before and after is not
 * forwarded.
 */
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import { change, type Change } from '../change.js';
import type { ValueGetter, ValueGetterSupplier } from '../value-getter.js';

export type TableJoinKind = 'inner' | 'left' | 'outer';

/** Joins a left and a right value (either may be null) into a result, or null when the join yields none. */
export type TableJoinFunction<K, VL, VR, VJ> = (left: VL | null, right: VR | null, key: K) => VJ | null;

export function tableJoinFunction<K, VL, VR, VJ>(kind: TableJoinKind, joiner: (left: VL | null, right: VR | null, key: K) => VJ): TableJoinFunction<K, VL, VR, VJ> {
  return (left, right, key) => {
    if (left === null && right === null) return null;
    if (kind === 'inner' && (left === null || right === null)) return null;
    if (kind === 'left' && left === null) return null;
    return joiner(left, right, key);
  };
}

class TableTableJoinProcessor<K, V, VO, VJ> implements Processor<K, Change<V>, K, Change<VJ>> {
  private context!: ProcessorContext<K, Change<VJ>>;
  private other!: ValueGetter<K, VO>;

  constructor(
    private readonly otherGetter: ValueGetterSupplier<K, VO>,
    /** `(thisValue, otherValue, key)`: arguments already in this side's order. */
    private readonly join: (value: V | null, other: VO | null, key: K) => VJ | null,
  ) {}

  init(context: ProcessorContext<K, Change<VJ>>): void {
    this.context = context;
    this.other = this.otherGetter.get(context as ProcessorContext<unknown, unknown>);
  }

  process(record: StreamRecord<K, Change<V>>): void {
    if (record.key === null) return;
    const other = this.other(record.key);
    const newValue = this.join(record.value.newValue, other, record.key);
    const oldValue = this.join(record.value.oldValue, other, record.key);
    if (newValue === null && oldValue === null) return;
    this.context.forward({ key: record.key, value: change(newValue, oldValue), timestamp: record.timestamp, headers: record.headers });
  }
}

export const tableTableJoinSupplier = <K, V, VO, VJ>(
  otherGetter: ValueGetterSupplier<K, VO>,
  join: (value: V | null, other: VO | null, key: K) => VJ | null,
): ProcessorSupplier<K, Change<V>, K, Change<VJ>> => () => new TableTableJoinProcessor(otherGetter, join);
