import type { Schema, Type } from 'avsc';

/*
 * Type-level reading of Avro schemas, so that `Serdes.avro(schema)` with a literal schema yields a
 * typed serde without restating the record as a TypeScript interface. Whatever cannot be read
 * precisely becomes `unknown` (named type references, avsc `Type` objects, schemas held in widely
 * typed variables, ambiguous unions); callers then pass the value type explicitly:
 * `Serdes.avro<Reading>(schema)`.
 */

/** What `Serdes.avro` accepts: an avsc `Type`, an avsc schema object, or a schema literal. */
export type AvroSchema = Type | Schema | AvroSchemaLiteral;

/** Readonly so that schemas inferred through a `const` type parameter (readonly tuples) fit. */
type AvroSchemaLiteral =
  | string
  | readonly AvroSchemaLiteral[]
  | { readonly type: AvroSchemaLiteral; readonly [attribute: string]: unknown };

/** The JavaScript value avsc reads and writes for schema `S`, with its default options. */
export type AvroValue<S> = S extends 'null'
  ? null
  : S extends 'boolean'
    ? boolean
    : S extends 'int' | 'long' | 'float' | 'double'
      ? number
      : S extends 'bytes'
        ? Buffer
        : S extends 'string'
          ? string
          : S extends readonly unknown[]
            ? UnionValue<S>
            : S extends { readonly type: 'record' | 'error'; readonly fields: readonly Field[] }
              ? RecordValue<S['fields']>
              : S extends { readonly type: 'enum'; readonly symbols: readonly (infer Symbols)[] }
                ? Symbols
                : S extends { readonly type: 'array'; readonly items: infer Items }
                  ? AvroValue<Items>[]
                  : S extends { readonly type: 'map'; readonly values: infer Values }
                    ? Record<string, AvroValue<Values>>
                    : S extends { readonly type: 'fixed' }
                      ? Buffer
                      : // `{ type: 'long', logicalType: ... }` and the like: without a logical type
                        // implementation avsc reads the underlying type.
                        S extends { readonly type: infer Underlying }
                        ? AvroValue<Underlying>
                        : unknown;

interface Field {
  readonly name: string;
  readonly type: unknown;
}

type RecordValue<Fields extends readonly Field[]> = string extends Fields[number]['name']
  ? unknown
  : { [F in Fields[number] as F['name']]: AvroValue<F['type']> };

/**
 * avsc represents a union by its branch's value alone only when no two branches share a JavaScript
 * representation (its "buckets"); otherwise values are wrapped as `{ branchName: value }`, which
 * this type does not model.
 */
type UnionValue<Branches extends readonly unknown[]> =
  HasSharedBucket<Branches> extends true ? unknown : AvroValue<Branches[number]>;

type HasSharedBucket<Branches, Seen = never> = Branches extends readonly [infer First, ...infer Rest]
  ? Bucket<First> extends Seen
    ? true
    : HasSharedBucket<Rest, Seen | Bucket<First>>
  : false;

type Bucket<S> = S extends 'int' | 'long' | 'float' | 'double'
  ? 'number'
  : S extends 'bytes' | { readonly type: 'fixed' }
    ? 'buffer'
    : S extends { readonly type: 'enum' }
      ? 'string'
      : S extends { readonly type: 'record' | 'error' | 'map' }
        ? 'object'
        : S extends { readonly type: 'array' }
          ? 'array'
          : S extends { readonly type: infer Underlying }
            ? Bucket<Underlying>
            : S;
