import { inspect } from 'node:util';
import type { Resolver, Type } from 'avsc';
import { messageOf } from './error-message.js';
import { SerdeError } from './types.js';

/*
 * Error-reporting wrappers around avsc shared by the plain and the Confluent Avro serdes.
 */

/**
 * Reads one value from `data[start..]`, through `resolver` when it was written with another schema.
 * The value must fill the rest of the buffer: leftover bytes mean the writer used a different
 * schema than the reader assumed.
 */
export function readAvro(
  type: Type,
  data: Buffer,
  start: number,
  resolver: Resolver | undefined,
  topic: string,
): unknown {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(data, start, resolver);
  } catch (cause) {
    throw new SerdeError(
      `Cannot deserialize Avro from topic "${topic}": corrupt data (${messageOf(cause)})`,
      { cause },
    );
  }
  if (decoded.offset < 0) {
    throw new SerdeError(
      `Cannot deserialize Avro from topic "${topic}": truncated, ${data.length - start} bytes end mid-value`,
    );
  }
  if (decoded.offset !== data.length) {
    throw new SerdeError(
      `Cannot deserialize Avro from topic "${topic}": ${data.length - decoded.offset} bytes left ` +
        'after the value (was it written with a different schema?)',
    );
  }
  return decoded.value;
}

/** A SerdeError for a value `type` failed to encode, naming the first offending field path. */
export function invalidAvroValue(type: Type, value: unknown, topic: string, cause: unknown): SerdeError {
  let firstProblem: string | undefined;
  type.isValid(value, {
    errorHook(path, invalid, invalidType) {
      // One problem is enough to act on, and keeps the message short.
      if (firstProblem !== undefined) return;
      const where = path.length > 0 ? path.join('.') : 'value';
      const shown = inspect(invalid, { depth: 0, breakLength: Infinity });
      firstProblem = `${where} is ${shown}, not a valid ${invalidType.typeName}`;
    },
  });
  const typeName = type.name ?? type.typeName;
  return new SerdeError(
    `Cannot serialize value as Avro ${typeName} for topic "${topic}": ${firstProblem ?? messageOf(cause)}`,
    { cause },
  );
}
