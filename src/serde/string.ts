import { nullSafe } from './null-safe.js';
import { SerdeError, type Serde } from './types.js';

/**
 * UTF-8 text, byte-compatible with Kafka's StringSerializer. Like Java, invalid UTF-8 input decodes
 * with U+FFFD replacement characters rather than failing.
 */
const stringSerde: Serde<string> = nullSafe<string>(
  (value, topic) => {
    if (typeof value !== 'string') {
      throw new SerdeError(
        `Cannot serialize a value of type ${typeof value} as a string for topic "${topic}"`,
      );
    }
    return Buffer.from(value, 'utf8');
  },
  (data) => data.toString('utf8'),
);

export function string(): Serde<string> {
  return stringSerde;
}
