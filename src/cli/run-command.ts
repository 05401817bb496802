import { EmbeddedBroker } from '../broker/embedded/index.js';
import { KafkaBroker } from '../broker/kafka/index.js';
import type { Broker } from '../broker/types.js';
import { StreamsBuilder } from '../dsl/streams-builder.js';
import { logger } from '../logger.js';
import type { Simulator } from '../runtime/app-definition.js';
import { StreamsApp } from '../runtime/streams-app.js';
import { loadAppDefinition } from './load-app-definition.js';

interface RunOptions {
  brokers?: string[];
  simulate?: boolean;
  duration?: number;
  stateDir?: string;
}

export async function runCommand(file: string, options: RunOptions): Promise<void> {
  const def = await loadAppDefinition(file);
  const log = logger.child({ component: 'cli', applicationId: def.applicationId });
  const broker: Broker = options.brokers
    ? new KafkaBroker({ brokers: options.brokers, clientId: def.applicationId })
    : new EmbeddedBroker({});
  await broker.connect();
  await broker.createTopics(def.topics);

  const builder = new StreamsBuilder();
  def.topology(builder);
  const app = new StreamsApp(
    builder.build(),
    {
      ...def.config,
      applicationId: def.applicationId,
      ...(options.brokers ? { brokers: options.brokers } : {}),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    },
    { broker },
  );

  let simulator: Simulator | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (reason: string) => {
    stopping ??= (async () => {
      log.info({ reason, processed: app.processedRecords }, 'stopping');
      await simulator?.stop();
      await app.close();
      await broker.close();
      log.info({ processed: app.processedRecords }, 'stopped');
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop(signal).then(
        () => process.exit(0),
        (err: Error) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  app.onStateChange((next) => {
    if (next === 'ERROR') {
      void stop('error').finally(() => process.exit(1));
    }
  });

  log.info({ broker: options.brokers ? options.brokers.join(',') : 'embedded' }, 'starting');
  await app.start();
  if (options.simulate) {
    if (!def.simulate) throw new Error(`${file} has no simulator; run it without --simulate`);
    simulator = def.simulate(broker);
  }
  if (options.duration) {
    setTimeout(() => {
      void stop(`--duration ${options.duration}s elapsed`).then(() => process.exit(app.error ? 1 : 0));
    }, options.duration * 1000);
  }
}
