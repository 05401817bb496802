/**
 * rxjs at the edges: a source fed from an Observable, an output topic read as an Observable, with
 * a real app on the embedded broker in between.
 */
import { firstValueFrom, from, range, map, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../src/broker/embedded/index.js';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { feedTopic, observeTopic } from '../../../src/runtime/rx.js';
import { StreamsApp } from '../../../src/runtime/streams-app.js';
import { Serdes } from '../../../src/serde/index.js';

describe('rxjs interop', () => {
  const broker = new EmbeddedBroker();
  let app: StreamsApp | undefined;
  afterEach(async () => {
    await app?.close();
    await broker.close();
  });

  it('feeds a topic from an Observable and reads the app output back as an Observable', async () => {
    await broker.connect();
    await broker.createTopics([
      { name: 'numbers', partitions: 4 },
      { name: 'squares', partitions: 4 },
    ]);
    const builder = new StreamsBuilder();
    builder
      .stream('numbers', { key: Serdes.string(), value: Serdes.int32() })
      .filter((_k, n) => n % 2 === 0)
      .mapValues((n) => n * n)
      .to('squares', { value: Serdes.int32() });
    app = new StreamsApp(builder.build(), { applicationId: 'rx-app' }, { broker });
    await app.start();

    const squares = firstValueFrom(
      observeTopic(broker, 'squares', { key: Serdes.string(), value: Serdes.int32() }).pipe(
        map((r) => r.value),
        take(50),
        toArray(),
      ),
    );
    await feedTopic(
      broker,
      'numbers',
      { key: Serdes.string(), value: Serdes.int32() },
      range(0, 100).pipe(map((n) => ({ key: `k${n}`, value: n, timestamp: 1_000 + n }))),
    );
    const received = await squares;
    expect(received.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => (2 * i) ** 2));
  });

  it('rejects feeding a topic that does not exist', async () => {
    await broker.connect();
    await expect(
      feedTopic(broker, 'missing', { key: Serdes.string(), value: Serdes.string() }, from([{ key: 'a', value: 'b' }])),
    ).rejects.toThrow("topic 'missing' does not exist");
  });
});
