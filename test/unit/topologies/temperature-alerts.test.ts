import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { Serdes } from '../../../src/serde/index.js';
import { TopologyTestDriver } from '../../../src/testing/index.js';
import {
  buildTemperatureAlerts,
  type Reading,
  type TemperatureAlert,
  type ThresholdPolicy,
} from '../../../topologies/temperature-alerts.js';

const policy: ThresholdPolicy = { defaultCelsius: 30, perSensor: { special: 40 }, hysteresisCelsius: 2 };

describe('temperature-alerts topology', () => {
  let driver: TopologyTestDriver;
  afterEach(async () => driver?.close());

  async function start() {
    const builder = new StreamsBuilder();
    buildTemperatureAlerts(builder, policy);
    driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'alerts-test' });
    const readings = driver.createInputTopic('temperature', Serdes.string(), Serdes.json<Reading>());
    const alerts = driver.createOutputTopic('temperature-alerts', Serdes.string(), Serdes.json<TemperatureAlert>());
    const read = (sensorId: string, celsius: number, ts: number) => readings.pipeInput(sensorId, { sensorId, celsius, ts }, ts);
    return { read, alerts };
  }

  it('raises one alert on crossing the threshold and one clear below threshold minus hysteresis', async () => {
    const { read, alerts } = await start();
    read('a', 25, 1_000);
    read('a', 30, 2_000); // reaches the threshold
    read('a', 31, 3_000); // still hot: no repeat
    read('a', 29, 4_000); // below threshold but within hysteresis: still alerting
    read('a', 30.5, 5_000); // hovering: no new alert
    read('a', 27.9, 6_000); // below 28: cleared
    read('a', 27, 7_000);
    expect(alerts.readRecordsToList().map((r) => [r.key, r.value.status, r.value.celsius, r.value.threshold, r.timestamp])).toEqual([
      ['a', 'ALERT', 30, 30, 2_000],
      ['a', 'CLEARED', 27.9, 30, 6_000],
    ]);
  });

  it('uses per-sensor thresholds over the default and keeps sensors apart', async () => {
    const { read, alerts } = await start();
    read('special', 35, 1_000); // under its own 40 °C threshold
    read('plain', 35, 1_000); // over the default 30 °C
    read('special', 41, 2_000);
    expect(alerts.readKeyValuesToList().map(([key, alert]) => [key, alert.status, alert.threshold])).toEqual([
      ['plain', 'ALERT', 30],
      ['special', 'ALERT', 40],
    ]);
  });

  it('uses the reading time as event time', async () => {
    const { read, alerts } = await start();
    read('a', 50, 123_456);
    expect(alerts.readRecordsToList()[0].timestamp).toBe(123_456);
  });
});
