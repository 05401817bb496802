import { afterEach, describe, expect, test } from 'vitest';
import { Materialized, StreamsBuilder } from '../../../src/dsl/index.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';

interface Order {
  product: string;
  qty: number;
}

const orderSerdes = { key: Serdes.string(), value: Serdes.json<Order>() };
const productSerdes = { key: Serdes.string(), value: Serdes.string() };
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

function topology(kind: 'join' | 'leftJoin') {
  const builder = new StreamsBuilder();
  const orders = builder.table('orders', orderSerdes);
  const products = builder.table('products', productSerdes);
  const line = (order: Order, name: string | null) => `${order.qty}x ${name ?? 'null'}`;
  const joined =
    kind === 'join'
      ? orders.join(products, (order) => order.product, line, { ...Materialized.as<string, string>('order-lines'), value: Serdes.string() })
      : orders.leftJoin(products, (order) => order.product, line, { name: 'order-lines', value: Serdes.string() });
  joined.toStream().to('out', { value: Serdes.string() });
  return builder.build();
}

async function run(kind: 'join' | 'leftJoin'): Promise<[string, string | null, number][]> {
  driver = await TopologyTestDriver.create(topology(kind));
  const orders = driver.createInputTopic('orders', orderSerdes.key, orderSerdes.value);
  const products = driver.createInputTopic('products', productSerdes.key, productSerdes.value);
  products.pipeInput('p1', 'Lamp', 1);
  orders.pipeInput('o1', { product: 'p1', qty: 2 }, 2);
  orders.pipeInput('o2', { product: 'p2', qty: 1 }, 3); // p2 does not exist yet
  products.pipeInput('p2', 'Desk', 4); // answers o2's subscription
  products.pipeInput('p1', 'Big Lamp', 5); // o1 follows
  orders.pipeInput('o1', { product: 'p2', qty: 3 }, 6); // o1 moves from p1 to p2
  products.pipeInput('p1', 'Lamp', 7); // nobody subscribes to p1 any more
  orders.pipeInput('o2', null as unknown as Order, 8); // o2 deleted
  products.pipeInput('p2', null as unknown as string, 9); // o1's product deleted
  return driver
    .createOutputTopic('out', Serdes.string(), Serdes.string())
    .readRecordsToList()
    .map((r) => [r.key, r.value, r.timestamp]);
}

describe('foreign-key table-table joins', () => {
  test('join follows both the left entry (its foreign key may change) and the right entry it points to', async () => {
    expect(await run('join')).toEqual([
      ['o1', '2x Lamp', 2],
      ['o2', '1x Desk', 4],
      ['o1', '2x Big Lamp', 5],
      ['o1', '3x Desk', 6],
      ['o2', null, 8],
      ['o1', null, 9],
    ]);
  });

  test('leftJoin keeps left entries whose foreign key has no right entry, with null', async () => {
    expect(await run('leftJoin')).toEqual([
      ['o1', '2x Lamp', 2],
      ['o2', '1x null', 3],
      ['o2', '1x Desk', 4],
      ['o1', '2x Big Lamp', 5],
      ['o1', '3x Desk', 6],
      ['o2', null, 8],
      ['o1', '3x null', 9],
    ]);
  });

  test('the registration topic is partitioned like the right table, the response topic like the left one', () => {
    const topics = topology('leftJoin').internalTopics('app').filter((t) => t.kind === 'repartition');
    expect(topics.map((t) => [t.name, t.partitionsFrom])).toEqual([
      ['app-order-lines-subscription-registration-topic', ['products']],
      ['app-order-lines-subscription-response-topic', ['orders']],
    ]);
  });
});
