/** Type-level tests of the stateful DSL (checked by `tsc --noEmit`); runtime assertions keep them honest. */
import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  JoinWindows,
  KStream,
  KTable,
  Materialized,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type Windowed,
} from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';

interface Reading {
  site: string;
  celsius: number;
}

const builder = () => new StreamsBuilder();
const readings = (b: StreamsBuilder) => b.stream('readings', { key: Serdes.string(), value: Serdes.json<Reading>() });

describe('stateful type inference', () => {
  test('windowed counts are KTable<Windowed<K>, number>, for every window kind, and survive suppress', () => {
    const b = builder();
    const grouped = readings(b).groupByKey();
    const tumbling = grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count();
    expectTypeOf(tumbling).toEqualTypeOf<KTable<Windowed<string>, number>>();
    expectTypeOf(grouped.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(1_000)).count()).toEqualTypeOf<KTable<Windowed<string>, number>>();
    expectTypeOf(grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1_000)).count()).toEqualTypeOf<KTable<Windowed<string>, number>>();
    expectTypeOf(tumbling.suppress(Suppressed.untilWindowCloses())).toEqualTypeOf<KTable<Windowed<string>, number>>();
    expect(tumbling).toBeInstanceOf(KTable);
  });

  test('groupBy infers the new key; aggregate infers the aggregate from the initializer; toStream admits deletes', () => {
    const b = builder();
    const perSite = readings(b)
      .groupBy((_sensor, r) => r.site, { key: Serdes.string() })
      .aggregate(() => ({ max: -Infinity }), (_site, r, acc) => ({ max: Math.max(acc.max, r.celsius) }), Materialized.with(Serdes.string(), Serdes.json<{ max: number }>()));
    expectTypeOf(perSite).toEqualTypeOf<KTable<string, { max: number }>>();
    expectTypeOf(perSite.toStream()).toEqualTypeOf<KStream<string, { max: number } | null>>();
    expectTypeOf(perSite.mapValues((acc) => acc.max > 30)).toEqualTypeOf<KTable<string, boolean>>();
  });

  test('joins infer the joiner result; left joins see a nullable other side', () => {
    const b = builder();
    const left = readings(b);
    const sites = b.table('sites', { key: Serdes.string(), value: Serdes.string() });
    const global = b.globalTable('cities', { key: Serdes.string(), value: Serdes.json<{ name: string }>() });
    const right = b.stream('other', { key: Serdes.string(), value: Serdes.int32() });
    expectTypeOf(left.join(right, (r, n) => r.celsius + n, JoinWindows.ofTimeDifferenceWithNoGrace(10))).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(left.leftJoin(sites, (r, site) => site ?? r.site)).toEqualTypeOf<KStream<string, string>>();
    expectTypeOf(left.join(global, (_k, r) => r.site, (r, city) => `${city.name}:${r.celsius}`)).toEqualTypeOf<KStream<string, string>>();
    expectTypeOf(sites.outerJoin(sites, (a, c) => [a, c] as const)).toEqualTypeOf<KTable<string, readonly [string | null, string | null]>>();
  });
});
