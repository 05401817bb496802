import avsc from 'avsc';
import type { Schema, Type } from 'avsc';
import { invalidAvroValue, readAvro } from './avro-codec.js';
import { confluentAvro, type ConfluentOptions } from './avro-confluent.js';
import type { AvroSchema, AvroValue } from './avro-value.js';
import { nullSafe } from './null-safe.js';
import type { Serde } from './types.js';

export interface AvroSerdeOptions {
  /**
   * Frames every record in Confluent's wire format (magic byte, schema id, Avro binary), so readers
   * find the writer schema in the registry and schemas can evolve. Without it, records are bare
   * Avro binary and writers and readers must use the same schema.
   */
  confluent?: ConfluentOptions;
}

/**
 * The value type of `Serdes.avro<T>(schema)`: `T` when given explicitly, otherwise read from the
 * schema literal. `never` as the "not given" marker lets one signature serve both uses, because
 * TypeScript fills in defaults (rather than inferring) for type parameters left out after an
 * explicit one.
 */
type AvroSerdeValue<T, S> = [T] extends [never] ? AvroValue<S> : T;

export function avro<T = never, const S extends AvroSchema = AvroSchema>(
  schema: S,
  options: AvroSerdeOptions = {},
): Serde<AvroSerdeValue<T, S>> {
  // A literal's readonly arrays are fine for avsc, which never mutates the schema it is given.
  const type = avsc.Type.forSchema(schema as Schema);
  const serde = options.confluent ? confluentAvro(type, options.confluent) : plainAvro(type);
  return serde as Serde<AvroSerdeValue<T, S>>;
}

function plainAvro(type: Type): Serde<unknown> {
  return nullSafe<unknown>(
    (value, topic) => {
      try {
        return type.toBuffer(value);
      } catch (cause) {
        throw invalidAvroValue(type, value, topic, cause);
      }
    },
    (data, topic) => readAvro(type, data, 0, undefined, topic),
  );
}
