import avsc from 'avsc';
import type { Schema, Type } from 'avsc';
import type { AvroSchema } from './avro-value.js';

/**
 * Maps Avro schemas to the numeric ids that Confluent's wire format puts in front of every record.
 *
 * Both methods are synchronous because they run on the per-record path, which never awaits. The
 * Confluent serde calls `idFor` once per topic and `schemaFor` once per writer id, then caches the
 * answers, so a registry only needs to be fast on first use.
 *
 * A registry backed by Confluent Schema Registry's REST API cannot answer synchronously. Such a
 * client keeps two caches that these methods read (subject + schema to id, id to schema) and
 * offers an async method that fills them, e.g. `register(subject, schema)` for every schema the
 * application writes and `prefetch(subjects)` for the writer schemas already on the topics it
 * reads. The application awaits that before starting its topology. A lookup that misses the cache
 * then throws, and the serde reports a SerdeError instead of blocking the partition.
 */
export interface SchemaRegistry {
  /** The id of `schema` under `subject`; throws when it is not registered and cannot be. */
  idFor(subject: string, schema: Type): number;
  /** The schema registered as `id`, or undefined when the id is unknown. */
  schemaFor(id: number): Type | Schema | undefined;
}

/**
 * A registry in process memory, for tests and single-process setups. Like Confluent's serializers
 * with `auto.register.schemas`, `idFor` registers schemas it has not seen. Ids are global and start
 * at 1; registering the same schema again, under any subject, returns its existing id.
 */
export class InMemorySchemaRegistry implements SchemaRegistry {
  /** Schema of id `n` at index `n - 1`. */
  private readonly schemas: Type[] = [];
  /** Keyed by canonical schema text, so formatting and attribute order do not create new ids. */
  private readonly idsBySchema = new Map<string, number>();
  private readonly idsBySubject = new Map<string, number[]>();

  register(subject: string, schema: AvroSchema): number {
    const type = avsc.Type.forSchema(schema as Schema);
    const canonical = JSON.stringify(type.schema());
    let id = this.idsBySchema.get(canonical);
    if (id === undefined) {
      this.schemas.push(type);
      id = this.schemas.length;
      this.idsBySchema.set(canonical, id);
    }
    const subjectIds = this.idsBySubject.get(subject) ?? [];
    if (!subjectIds.includes(id)) subjectIds.push(id);
    this.idsBySubject.set(subject, subjectIds);
    return id;
  }

  /** Ids registered under `subject`, oldest first. */
  schemaIds(subject: string): readonly number[] {
    return this.idsBySubject.get(subject) ?? [];
  }

  idFor(subject: string, schema: Type): number {
    return this.register(subject, schema);
  }

  schemaFor(id: number): Type | undefined {
    return this.schemas[id - 1];
  }
}
