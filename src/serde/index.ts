import { avro } from './avro.js';
import { bytes } from './bytes.js';
import { json } from './json.js';
import { float64, int32, int64 } from './numbers.js';
import { string } from './string.js';
import { voidSerde } from './void.js';

export type { ConfluentOptions } from './avro-confluent.js';
export type { AvroSchema, AvroValue } from './avro-value.js';
export type { AvroSerdeOptions } from './avro.js';
export { InMemorySchemaRegistry, type SchemaRegistry } from './schema-registry.js';
export { SerdeError, type Serde } from './types.js';

/**
 * The built-in serdes, named after Kafka Streams' `Serdes`. The fixed-format ones (string, numbers,
 * bytes, void) are byte-compatible with Kafka's Java serializers of the same name.
 */
export const Serdes = {
  string,
  json,
  bytes,
  int32,
  int64,
  float64,
  void: voidSerde,
  avro,
} as const;
