import { nullSafe } from './null-safe.js';
import { SerdeError, type Serde } from './types.js';

/**
 * The last text decoded and the bytes it came from. A key usually leaves (through a sink, into a
 * store key) as the very string it arrived as; serializing that string again then hands back the
 * bytes it was read from instead of encoding a new Buffer per record, an allocation that showed
 * up in profiles as a large share of a stateless topology's engine cost. Only input that holds
 * no U+FFFD is remembered: invalid UTF-8 decodes to that replacement character and would not
 * encode back to the same bytes, while valid UTF-8 always does. Bytes a serde reads are treated
 * as read-only, like every record's bytes in the engine.
 */
let lastText = '';
let lastBytes: Buffer = Buffer.alloc(0);

/**
 * UTF-8 text, byte-compatible with Kafka's StringSerializer. Like Java, invalid UTF-8 input decodes
 * with U+FFFD replacement characters rather than failing.
 */
const stringSerde: Serde<string> = nullSafe<string>(
  (value, topic) => {
    if (value === lastText) return lastBytes;
    if (typeof value !== 'string') {
      throw new SerdeError(
        `Cannot serialize a value of type ${typeof value} as a string for topic "${topic}"`,
      );
    }
    return Buffer.from(value, 'utf8');
  },
  (data) => {
    const text = data.toString('utf8');
    if (text.indexOf('\uFFFD') === -1) {
      lastText = text;
      lastBytes = data;
    }
    return text;
  },
);

export function string(): Serde<string> {
  return stringSerde;
}
