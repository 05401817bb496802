/**
 * The hot path: temperature readings in, alerts out within milliseconds.
 *
 * Input `temperature`: `Reading { sensorId, celsius, ts }` keyed by sensor id.
 * Output `temperature-alerts`: `TemperatureAlert`, one `ALERT` when a sensor's reading reaches its
 * threshold and one `CLEARED` when it falls below threshold − hysteresis. A sensor hovering around
 * its threshold therefore raises one alert, not one per reading.
 *
 * Run it: `npm start` (embedded broker + simulator), or
 * `npx tributary run topologies/temperature-alerts.ts --brokers 127.0.0.1:9092 --simulate`.
 */
import type { Subscription } from 'rxjs';
import type { StreamsBuilder } from '../src/dsl/streams-builder.js';
import type { ProcessorContext, StreamRecord } from '../src/processor/api.js';
import { logger } from '../src/logger.js';
import { defineApp } from '../src/runtime/app-definition.js';
import { feedTopic } from '../src/runtime/rx.js';
import { Serdes } from '../src/serde/index.js';
import type { KeyValueStore } from '../src/state/key-value-store.js';
import { Stores } from '../src/state/stores.js';
import { sensorFleet, type Reading } from './simulators/temperature-sensors.js';

export type { Reading };

export interface TemperatureAlert {
  sensorId: string;
  status: 'ALERT' | 'CLEARED';
  celsius: number;
  threshold: number;
  /** Event time of the reading that changed the status. */
  ts: number;
}

export interface ThresholdPolicy {
  defaultCelsius: number;
  /** Per-sensor thresholds that override the default. */
  perSensor: Readonly<Record<string, number>>;
  /** An alert clears only below threshold − hysteresis. */
  hysteresisCelsius: number;
}

export const defaultPolicy: ThresholdPolicy = {
  defaultCelsius: 35,
  perSensor: { 'sensor-0000': 37, 'sensor-0050': 32 },
  hysteresisCelsius: 2,
};

export const ALERT_STATE_STORE = 'temperature-alert-state';

/** Remembers which sensors are in alert, and emits only on a change of status. */
export class ThresholdDetector {
  private context!: ProcessorContext<string, TemperatureAlert>;
  private alerting!: KeyValueStore<string, boolean>;

  constructor(private readonly policy: ThresholdPolicy) {}

  init(context: ProcessorContext<string, TemperatureAlert>): void {
    this.context = context;
    this.alerting = context.getStateStore<KeyValueStore<string, boolean>>(ALERT_STATE_STORE);
  }

  process(record: StreamRecord<string, Reading>): void {
    const reading = record.value;
    const threshold = this.policy.perSensor[reading.sensorId] ?? this.policy.defaultCelsius;
    const wasAlerting = this.alerting.get(record.key) === true;
    let status: TemperatureAlert['status'] | undefined;
    if (!wasAlerting && reading.celsius >= threshold) status = 'ALERT';
    else if (wasAlerting && reading.celsius < threshold - this.policy.hysteresisCelsius) status = 'CLEARED';
    if (status === undefined) return;
    if (status === 'ALERT') this.alerting.put(record.key, true);
    else this.alerting.delete(record.key);
    this.context.forward({
      key: record.key,
      value: { sensorId: reading.sensorId, status, celsius: reading.celsius, threshold, ts: reading.ts },
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }
}

const log = logger.child({ component: 'temperature-alerts' });

/** Adds the alerting topology to `builder` (also used by the tests, with their own policy). */
export function buildTemperatureAlerts(builder: StreamsBuilder, policy: ThresholdPolicy): void {
  builder.addStateStore(
    Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ALERT_STATE_STORE), Serdes.string(), Serdes.json<boolean>())
      .withLoggingDisabled(),
  );
  builder
    .stream('temperature', {
      key: Serdes.string(),
      value: Serdes.json<Reading>(),
      timestampExtractor: (_sensor, reading) => reading.ts,
      name: 'readings',
    })
    .process(() => new ThresholdDetector(policy), ALERT_STATE_STORE, { name: 'threshold-detector' })
    .peek((_sensor, alert) => log.info(alert, alert.status === 'ALERT' ? 'temperature alert' : 'temperature alert cleared'), {
      name: 'log-alerts',
    })
    .to('temperature-alerts', { key: Serdes.string(), value: Serdes.json<TemperatureAlert>(), name: 'alerts' });
}

export default defineApp({
  applicationId: 'temperature-alerts',
  topics: [
    { name: 'temperature', partitions: 8 },
    { name: 'temperature-alerts', partitions: 8 },
  ],
  topology: (builder) => buildTemperatureAlerts(builder, defaultPolicy),
  simulate(broker) {
    let subscription: Subscription | undefined;
    const done = feedTopic(
      broker,
      'temperature',
      { key: Serdes.string(), value: Serdes.json<Reading>() },
      sensorFleet(),
      (s) => (subscription = s),
    ).catch((err: unknown) => log.error({ err }, 'simulator failed'));
    return {
      async stop() {
        subscription?.unsubscribe();
        await done;
      },
    };
  },
});
