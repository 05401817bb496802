/**
 * Simulated temperature sensors for `npm start`: `sensorCount` sensors report every `periodMs`;
 * most hover around room temperature, a few "hot" ones swing through their alert threshold so the
 * alerts topology has something to say (and its hysteresis something to suppress).
 */
import { map, mergeMap, range, timer, type Observable } from 'rxjs';
import type { FeedRecord } from '../../src/runtime/rx.js';

export interface Reading {
  sensorId: string;
  celsius: number;
  /** Event time of the measurement (ms since epoch). */
  ts: number;
}

export interface SensorFleetOptions {
  sensorCount?: number;
  /** Every how many sensors one runs hot. */
  hotEvery?: number;
  periodMs?: number;
}

export function sensorId(i: number): string {
  return `sensor-${String(i).padStart(4, '0')}`;
}

/** Temperature of sensor `i` at time `t`: deterministic, so runs are comparable. */
export function temperatureAt(i: number, t: number, hotEvery: number): number {
  // Golden-angle phases spread the sensors evenly over the cycle: at any moment some hot ones are above threshold.
  const phase = i * 2.399963;
  const slow = Math.sin((t / 20_000) * Math.PI + phase);
  const jitter = Math.sin(t / 700 + i) * 0.3;
  if (i % hotEvery === 0) return 33 + slow * 6 + jitter; // swings between ~27 °C and ~39 °C
  return 21 + slow * 2 + jitter;
}

export function sensorFleet(options: SensorFleetOptions = {}): Observable<FeedRecord<string, Reading>> {
  const sensorCount = options.sensorCount ?? 300;
  const hotEvery = options.hotEvery ?? 25;
  const periodMs = options.periodMs ?? 1000;
  return timer(0, periodMs).pipe(
    mergeMap(() => {
      const now = Date.now();
      return range(0, sensorCount).pipe(
        map((i) => {
          const id = sensorId(i);
          const reading: Reading = { sensorId: id, celsius: Math.round(temperatureAt(i, now, hotEvery) * 10) / 10, ts: now };
          return { key: id, value: reading, timestamp: now };
        }),
      );
    }),
  );
}
