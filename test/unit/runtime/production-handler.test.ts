/**
 * When the broker refuses output (here: the output topic was deleted under a running app), the
 * production exception handler decides: `fail` stops the app in ERROR, `continue` drops and goes on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../src/broker/embedded/index.js';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { StreamsApp } from '../../../src/runtime/streams-app.js';
import { Serdes } from '../../../src/serde/index.js';
import { produce, readAll } from '../../helpers/topics.js';

describe('production exception handler', () => {
  const broker = new EmbeddedBroker();
  let app: StreamsApp | undefined;
  afterEach(async () => {
    await app?.close();
    await broker.close();
  });

  async function startWithDeletedOutput(productionExceptionHandler: 'fail' | 'continue') {
    await broker.connect();
    await broker.createTopics([
      { name: 'in', partitions: 1 },
      { name: 'out', partitions: 1 },
      { name: 'audit', partitions: 1 },
    ]);
    const builder = new StreamsBuilder();
    const input = builder.stream('in', { key: Serdes.string(), value: Serdes.string() });
    input.to('out');
    input.to('audit');
    app = new StreamsApp(builder.build(), { applicationId: 'prod-handler', productionExceptionHandler }, { broker });
    await app.start();
    await broker.deleteTopics(['out']);
    await produce(broker, 'in', [{ key: 'a', value: '1' }]);
  }

  it('fail: the app stops in ERROR with a ProductionError', async () => {
    await startWithDeletedOutput('fail');
    await expect(app!.waitForState('NOT_RUNNING', 10_000)).rejects.toThrow(/sending 2 records failed/);
    expect(app!.state).toBe('ERROR');
  });

  it('continue: the refused records are dropped and the app keeps processing', async () => {
    await startWithDeletedOutput('continue');
    await new Promise((r) => setTimeout(r, 300));
    expect(app!.state).toBe('RUNNING');
    await broker.createTopics([{ name: 'out', partitions: 1 }]);
    await produce(broker, 'in', [{ key: 'b', value: '2' }]);
    for (let i = 0; i < 50 && (await readAll(broker, 'out')).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await readAll(broker, 'out')).map((r) => r.value!.toString())).toEqual(['2']);
    expect(app!.state).toBe('RUNNING');
  });
});
