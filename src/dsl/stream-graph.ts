/**
 * What all streams of one StreamsBuilder share: the topology they add nodes to and the counter
 * behind generated node names. Names are deterministic (`KSTREAM-FILTER-0000000001`): they name
 * internal topics and state, so the same program must produce the same names on every start.
 */
import { Topology } from '../topology/topology.js';
import type { Named } from './options.js';

export class StreamGraph {
  readonly topology = new Topology();
  private nextIndex = 0;

  /** The user's name if given, else `<prefix><10-digit counter>`; the counter moves only for generated names. */
  nodeName(named: Named | undefined, prefix: string): string {
    return named?.name ?? this.generateName(prefix);
  }

  generateName(prefix: string): string {
    return `${prefix}${String(this.nextIndex++).padStart(10, '0')}`;
  }
}
