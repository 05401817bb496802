/**
 * What the DSL knows about a stream's key or value serde. Operators that change the type (map,
 * mapValues, selectKey, process, ...) make it unknown; a sink or repartition must then be given
 * one, and the build error names the operator that changed the type.
 */
import type { Serde } from '../serde/types.js';
import { TopologyError } from '../topology/topology-error.js';

export type TrackedSerde<T> = { readonly known: Serde<T> } | { readonly unknownSince: string };

export function knownSerde<T>(serde: Serde<T>): TrackedSerde<T> {
  return { known: serde };
}

/** `operator` describes who changed the type, e.g. `mapValues KSTREAM-MAPVALUES-0000000002`. */
export function unknownSerde<T>(operator: string): TrackedSerde<T> {
  return { unknownSince: operator };
}

/** The serde to write with: the one given, else the known one; throws a build error naming the culprit. */
export function requireSerde<T>(given: Serde<T> | undefined, tracked: TrackedSerde<T>, part: 'key' | 'value', at: string): Serde<T> {
  if (given !== undefined) return given;
  if ('known' in tracked) return tracked.known;
  throw new TopologyError(
    `${at}: the ${part} serde is unknown because ${tracked.unknownSince} changed the ${part} type; ` +
      `pass { ${part}: <serde> } in the options of this operator`,
  );
}
