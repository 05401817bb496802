import { SerdeError, type Serde } from './types.js';

/**
 * For keys (or values) that are always absent, like Kafka's `Serdes.Void`: only `null` is accepted
 * either way. Reading a record that does carry bytes fails, so a topic that turns out to be keyed is
 * noticed instead of having its keys silently dropped; use `Serdes.bytes()` to ignore them instead.
 */
const nullOnly: Serde<null> = {
  serialize(value, topic) {
    if (value !== null) {
      throw new SerdeError(
        `The void serde for topic "${topic}" only accepts null, got a value of type ${typeof value}`,
      );
    }
    return null;
  },
  deserialize(data, topic) {
    if (data !== null) {
      throw new SerdeError(`The void serde for topic "${topic}" expects no data, got ${data.length} bytes`);
    }
    return null;
  },
};

/** Exposed as `Serdes.void()`: `void` is a reserved word, so it cannot be the function's own name. */
export function voidSerde(): Serde<null> {
  return nullOnly;
}
