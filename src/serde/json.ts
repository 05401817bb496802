import { messageOf } from './error-message.js';
import { nullSafe } from './null-safe.js';
import { SerdeError, type Serde } from './types.js';

/** How much of unparseable input an error message quotes: enough to recognise it, not to flood logs. */
const EXCERPT_CHARS = 40;

/**
 * JSON text in UTF-8. `T` is what the caller promises the topic holds; parsed values are not
 * validated against it.
 */
const jsonSerde: Serde<unknown> = nullSafe<unknown>(
  (value, topic) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (cause) {
      // BigInt values and circular structures.
      throw new SerdeError(`Cannot serialize value as JSON for topic "${topic}": ${messageOf(cause)}`, {
        cause,
      });
    }
    if (text === undefined) {
      // JSON.stringify returns undefined for undefined, functions and symbols.
      throw new SerdeError(`Cannot serialize a value of type ${typeof value} as JSON for topic "${topic}"`);
    }
    return Buffer.from(text, 'utf8');
  },
  (data, topic) => {
    const text = data.toString('utf8');
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new SerdeError(
        `Cannot deserialize JSON from topic "${topic}": ${messageOf(cause)} (input: ${excerpt(text)})`,
        { cause },
      );
    }
  },
);

export function json<T = unknown>(): Serde<T> {
  return jsonSerde as Serde<T>;
}

/** The start of `text`, quoted so that control characters and newlines stay visible on one line. */
function excerpt(text: string): string {
  if (text.length <= EXCERPT_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, EXCERPT_CHARS))}... (${text.length} chars)`;
}
