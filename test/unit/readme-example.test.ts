/** The example at the top of README.md, kept compiling and working. */
import { expect, expectTypeOf, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { KStream } from '../../src/dsl/kstream.js';
import { Serdes } from '../../src/serde/index.js';
import { TopologyTestDriver } from '../../src/testing/index.js';

interface Reading {
  sensorId: string;
  celsius: number;
  ts: number;
}

it('the README example infers its types and filters hot readings', async () => {
  const builder = new StreamsBuilder();
  const readings = builder.stream('temperature', { key: Serdes.string(), value: Serdes.json<Reading>() });
  expectTypeOf(readings).toEqualTypeOf<KStream<string, Reading>>();
  readings
    .filter((sensorId, reading) => reading.celsius > 30)
    .mapValues((reading) => ({ sensorId: reading.sensorId, celsius: reading.celsius }))
    .to('hot-readings', { value: Serdes.json() });

  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('temperature', Serdes.string(), Serdes.json<Reading>());
  const output = driver.createOutputTopic('hot-readings', Serdes.string(), Serdes.json<{ sensorId: string; celsius: number }>());
  input.pipeInput('s1', { sensorId: 's1', celsius: 31, ts: 1 });
  input.pipeInput('s2', { sensorId: 's2', celsius: 20, ts: 2 });
  expect(output.readKeyValuesToList()).toEqual([['s1', { sensorId: 's1', celsius: 31 }]]);
  await driver.close();
});
