import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../src/broker/embedded/index.js';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { StreamsApp } from '../../../src/runtime/streams-app.js';
import { Serdes } from '../../../src/serde/index.js';
import { produce, waitForRecords } from '../../helpers/topics.js';

describe('consumer lag', () => {
  const broker = new EmbeddedBroker();
  let app: StreamsApp | undefined;
  afterEach(async () => {
    await app?.close();
    await broker.close();
  });

  it('reports records behind the end per partition while catching up, and zero once caught up', async () => {
    await broker.connect();
    await broker.createTopics([
      { name: 'in', partitions: 1 },
      { name: 'out', partitions: 1 },
    ]);
    await produce(broker, 'in', Array.from({ length: 1_000 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
    const lagSeen: number[] = [];
    const builder = new StreamsBuilder();
    builder
      .stream('in', { key: Serdes.string(), value: Serdes.string() })
      .peek(() => lagSeen.push(app!.lag().get('in:0') ?? -1))
      .to('out');
    app = new StreamsApp(builder.build(), { applicationId: 'lag-app', maxBatchRecords: 100 }, { broker });
    await app.start();
    await waitForRecords(broker, 'out', 1_000);
    // The first batch of 100 leaves 900 behind; the last leaves none.
    expect(lagSeen[0]).toBe(900);
    expect(lagSeen[999]).toBe(0);
    expect(app.lag()).toEqual(new Map([['in:0', 0]]));
  });
});
