/** The processor behind `split()`: sends each record to the first branch whose predicate accepts it. */
import type { Processor, ProcessorContext, ProcessorSupplier, StreamRecord } from '../../processor/api.js';
import type { Predicate } from './stateless.js';

export interface BranchRoute<K, V> {
  readonly predicate: Predicate<K, V>;
  /** Name of the branch's entry node, a child of the splitter. */
  readonly childName: string;
}

class BranchProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: ProcessorContext<K, V>;

  constructor(private readonly routes: readonly BranchRoute<K, V>[]) {}

  init(context: ProcessorContext<K, V>): void {
    this.context = context;
  }

  process(record: StreamRecord<K, V>): void {
    for (const route of this.routes) {
      if (route.predicate(record.key, record.value, record)) {
        this.context.forward(record, route.childName);
        return;
      }
    }
  }
}

/**
 * `routes` is still growing while the DSL program runs (each `branch()` adds one); it is copied
 * when a task instantiates the processor, after the topology is complete.
 */
export function branchSupplier<K, V>(routes: readonly BranchRoute<K, V>[]): ProcessorSupplier<K, V, K, V> {
  return () => new BranchProcessor([...routes]);
}
