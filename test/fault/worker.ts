/**
 * One instance of the windowed-count app (windowed-count-app.ts) as its own process, for the fault
 * tests: `node --import tsx test/fault/worker.ts '<json WorkerConfig>'`.
 *
 * stdout carries JSON lines with an `ev` field (log lines, if any, have none):
 *   {"ev":"started"}                                joined the group (start() resolved)
 *   {"ev":"state","state":"RUNNING","from":"..."}   every lifecycle change
 *   {"ev":"progress","processed":n,"restored":m}    every `progressIntervalMs` while it runs
 *   {"ev":"failed","message":"..."}                 the app reached ERROR (then exit code 2)
 *   {"ev":"closed"}                                 after a graceful close on SIGTERM (exit code 0)
 */
import { KafkaBroker } from '../../src/broker/kafka/index.js';
import type { ProcessingGuarantee } from '../../src/runtime/config.js';
import { StreamsApp } from '../../src/runtime/streams-app.js';
import { windowedCountTopology, type AppImpl } from './windowed-count-app.js';

export interface WorkerConfig {
  applicationId: string;
  instanceId: string;
  stateDir: string;
  guarantee: ProcessingGuarantee;
  brokers: string[];
  input: string;
  output: string;
  impl?: AppImpl;
  commitIntervalMs?: number;
  maxBatchRecords?: number;
  /** Consumer group session timeout: how soon a SIGKILLed member's partitions move. */
  sessionTimeoutMs?: number;
  progressIntervalMs?: number;
  /** More StreamsConfig keys, passed through as they are (benchmarks use it, e.g. for standby replicas). */
  extraConfig?: Record<string, unknown>;
}

const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ ...event, t: Date.now() })}\n`);
};

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? process.env.FAULT_WORKER_CONFIG ?? '') as WorkerConfig;
  const broker = new KafkaBroker({ brokers: config.brokers, clientId: `${config.applicationId}-${config.instanceId}` });
  await broker.connect();
  const app = new StreamsApp(
    windowedCountTopology(config.impl ?? 'dsl', config.input, config.output),
    {
      applicationId: config.applicationId,
      instanceId: config.instanceId,
      stateDir: config.stateDir,
      processingGuarantee: config.guarantee,
      brokers: config.brokers,
      commitIntervalMs: config.commitIntervalMs ?? 200,
      maxBatchRecords: config.maxBatchRecords ?? 2_000,
      ...(config.sessionTimeoutMs ? { sessionTimeoutMs: config.sessionTimeoutMs } : {}),
      ...config.extraConfig,
    },
    { broker },
  );

  let closing = false;
  app.onStateChange((state, from) => {
    emit({ ev: 'state', state, from });
    if (state === 'ERROR' && !closing) {
      emit({ ev: 'failed', message: app.error?.message ?? 'unknown error' });
      // Exit without closing: what a supervisor would see of a crashed instance.
      setImmediate(() => process.exit(2));
    }
  });

  let lastProcessed = -1;
  const progress = setInterval(() => {
    if (app.processedRecords === lastProcessed && app.state !== 'RUNNING') return;
    lastProcessed = app.processedRecords;
    emit({ ev: 'progress', processed: app.processedRecords, restored: app.restoredRecords, state: app.state });
  }, config.progressIntervalMs ?? 200);

  process.once('SIGTERM', () => {
    closing = true;
    clearInterval(progress);
    app
      .close()
      .then(() => broker.close())
      .then(
        () => {
          emit({ ev: 'closed', processed: app.processedRecords, restored: app.restoredRecords });
          process.exit(0);
        },
        (err: Error) => {
          emit({ ev: 'failed', message: `close failed: ${err.message}` });
          process.exit(1);
        },
      );
  });

  await app.start();
  emit({ ev: 'started' });
}

main().catch((err: Error) => {
  emit({ ev: 'failed', message: err.message });
  process.exit(2);
});
