/**
 * The application the fault tests run: per sensor key, the number of readings in each 1-minute
 * tumbling event-time window. Output: key `<sensor>@<windowStart>` (string), value the window's
 * running count (8-byte big-endian, `countSerde`), one record per update.
 *
 * Two equivalent implementations:
 *  - `dsl`: `groupByKey().windowedBy(TimeWindows...).count()` on a persistent, changelogged window
 *    store, with the DSL's defaults otherwise (its record cache included, once it has one);
 *  - `papi`: a Processor API counter over a persistent, changelogged key-value store keyed by
 *    `<sensor>@<windowStart>`, cache off, passing each reading's headers on to its output. One
 *    output per reading, carrying the reading's id: the SIGKILL and broker-restart tests account
 *    for every reading with it. It depends only on the key-value store and the runtime, not on the
 *    DSL's windowing, which was still changing (caching, header propagation) while they were written.
 *
 * The grace period is long (1 h) so no test reading is ever dropped as late: the reference the tests
 * compute from their input is then exact. Readings carrying the value `poison` make the counter
 * throw (after counting nothing), to exercise the processing exception handler.
 */
import { countSerde } from '../../src/dsl/count-serde.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import type { ProcessorContext, StreamRecord } from '../../src/processor/api.js';
import { Serdes } from '../../src/serde/index.js';
import type { KeyValueStore } from '../../src/state/key-value-store.js';
import { Stores } from '../../src/state/stores.js';
import type { Topology } from '../../src/topology/topology.js';

export const WINDOW_MS = 60_000;
export const GRACE_MS = 60 * 60_000;
export const POISON = 'poison';
const STORE = 'window-counts';

export type AppImpl = 'dsl' | 'papi';

export const windowStart = (timestamp: number): number => timestamp - (timestamp % WINDOW_MS);
export const windowKey = (sensor: string, timestamp: number): string => `${sensor}@${windowStart(timestamp)}`;

function poisonCheck(value: string): void {
  if (value === POISON) throw new Error('poison reading: processing failed on purpose');
}

class WindowCounter {
  private context!: ProcessorContext<string, number>;
  private counts!: KeyValueStore<string, number>;
  init(context: ProcessorContext<string, number>) {
    this.context = context;
    this.counts = context.getStateStore<KeyValueStore<string, number>>(STORE);
  }
  process(record: StreamRecord<string, string>) {
    poisonCheck(record.value);
    const key = windowKey(record.key, record.timestamp);
    const next = (this.counts.get(key) ?? 0) + 1;
    this.counts.put(key, next);
    this.context.forward({ key, value: next, timestamp: record.timestamp, headers: record.headers });
  }
}

export function windowedCountTopology(impl: AppImpl, input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  if (impl === 'papi') {
    // Caching off: one output record per input record, like the DSL's window store.
    builder.addStateStore(
      Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.string(), countSerde).withCachingDisabled(),
    );
    builder
      .stream(input, { key: Serdes.string(), value: Serdes.string() })
      .process(() => new WindowCounter(), STORE)
      .to(output, { key: Serdes.string(), value: countSerde });
    return builder.build();
  }
  builder
    .stream(input, { key: Serdes.string(), value: Serdes.string() })
    .peek((_key, value) => poisonCheck(value))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, GRACE_MS))
    .count({ name: STORE, storeType: 'persistent' })
    .toStream()
    .map((windowed, count) => [`${windowed.key}@${windowed.window.start}` as string, count ?? 0] as const)
    .to(output, { key: Serdes.string(), value: countSerde });
  return builder.build();
}
