import avsc from 'avsc';
import type { Resolver, Type } from 'avsc';
import { invalidAvroValue, readAvro } from './avro-codec.js';
import { messageOf } from './error-message.js';
import { nullSafe } from './null-safe.js';
import type { SchemaRegistry } from './schema-registry.js';
import { SerdeError, type Serde } from './types.js';

/*
 * Confluent's wire format: magic byte 0, the writer schema's registry id as a 4-byte big-endian
 * integer, then the Avro binary encoding of the value.
 */
const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;
const MAX_SCHEMA_ID = 0x7fff_ffff;
const INITIAL_SCRATCH_BYTES = 1024;

export interface ConfluentOptions {
  registry: SchemaRegistry;
  /**
   * The subject the schema is registered under: fixed, or derived from the topic. Defaults to
   * `<topic>-value`, Confluent's TopicNameStrategy for values; a key serde passes
   * ``(topic) => `${topic}-key` ``.
   */
  subject?: string | ((topic: string) => string);
}

export function confluentAvro(
  type: Type,
  { registry, subject = valueSubject }: ConfluentOptions,
): Serde<unknown> {
  const subjectFor = typeof subject === 'string' ? () => subject : subject;
  const idsByTopic = new Map<string, number>();
  const resolversById = new Map<number, Resolver>();
  // Values are encoded after the header in here and copied out at their exact size: one allocation
  // per record. Serialization is synchronous, so one buffer per serde is never used twice at once.
  let scratch = Buffer.allocUnsafeSlow(INITIAL_SCRATCH_BYTES);

  function schemaId(topic: string): number {
    let id = idsByTopic.get(topic);
    if (id === undefined) {
      const subjectName = subjectFor(topic);
      try {
        id = registry.idFor(subjectName, type);
      } catch (cause) {
        throw new SerdeError(
          `No schema id for subject "${subjectName}" (topic "${topic}") in the schema registry: ` +
            messageOf(cause),
          { cause },
        );
      }
      if (!Number.isInteger(id) || id < 0 || id > MAX_SCHEMA_ID) {
        // A promise here means an async registry method: ids must be known before records flow.
        throw new SerdeError(
          `The schema registry returned ${String(id)} as the id for subject "${subjectName}"; ` +
            'expected a non-negative 32-bit integer',
        );
      }
      idsByTopic.set(topic, id);
    }
    return id;
  }

  function resolverFor(id: number, topic: string): Resolver {
    let resolver = resolversById.get(id);
    if (resolver === undefined) {
      resolver = createResolver(id, topic);
      resolversById.set(id, resolver);
    }
    return resolver;
  }

  function createResolver(id: number, topic: string): Resolver {
    const fail = (reason: string, cause?: unknown): SerdeError =>
      new SerdeError(`Cannot deserialize Avro from topic "${topic}": ${reason}`, { cause });
    let writerSchema: ReturnType<SchemaRegistry['schemaFor']>;
    try {
      writerSchema = registry.schemaFor(id);
    } catch (cause) {
      throw fail(`schema id ${id} could not be looked up (${messageOf(cause)})`, cause);
    }
    if (writerSchema === undefined) throw fail(`unknown schema id ${id}`);
    let writerType: Type;
    try {
      writerType = avsc.Type.forSchema(writerSchema);
    } catch (cause) {
      throw fail(`the registry's schema for id ${id} is invalid (${messageOf(cause)})`, cause);
    }
    try {
      return type.createResolver(writerType);
    } catch (cause) {
      throw fail(`writer schema id ${id} cannot be read as the reader schema (${messageOf(cause)})`, cause);
    }
  }

  function encodeFramed(value: unknown, id: number): number {
    scratch[0] = MAGIC_BYTE;
    scratch.writeInt32BE(id, 1);
    const end = type.encode(value, scratch, HEADER_BYTES);
    if (end >= 0) return end;
    // avsc reports a shortfall as minus the missing byte count; grow and encode again.
    scratch = Buffer.allocUnsafeSlow(Math.max(scratch.length - end, scratch.length * 2));
    return encodeFramed(value, id);
  }

  return nullSafe<unknown>(
    (value, topic) => {
      const id = schemaId(topic);
      let end: number;
      try {
        end = encodeFramed(value, id);
      } catch (cause) {
        throw invalidAvroValue(type, value, topic, cause);
      }
      const out = Buffer.allocUnsafe(end);
      scratch.copy(out, 0, 0, end);
      return out;
    },
    (data, topic) => {
      if (data.length < HEADER_BYTES) {
        throw new SerdeError(
          `Cannot deserialize Avro from topic "${topic}": ${data.length} bytes is shorter than the ` +
            `${HEADER_BYTES}-byte Confluent header`,
        );
      }
      if (data[0] !== MAGIC_BYTE) {
        throw new SerdeError(
          `Cannot deserialize Avro from topic "${topic}": magic byte is ${data[0]}, expected ${MAGIC_BYTE} ` +
            '(not in the Confluent wire format)',
        );
      }
      return readAvro(type, data, HEADER_BYTES, resolverFor(data.readInt32BE(1), topic), topic);
    },
  );
}

function valueSubject(topic: string): string {
  return `${topic}-value`;
}
