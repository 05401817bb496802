import { nullSafe } from './null-safe.js';
import type { Serde } from './types.js';

/** Raw bytes, passed through without copying. */
const bytesSerde: Serde<Buffer> = nullSafe<Buffer>(
  (value) => value,
  (data) => data,
);

export function bytes(): Serde<Buffer> {
  return bytesSerde;
}
