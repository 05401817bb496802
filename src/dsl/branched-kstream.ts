/**
 * The result of `KStream#split()`: branches are added one by one, then `defaultBranch()` or
 * `noDefaultBranch()` returns every branch as a KStream, keyed by name. Each record goes to the
 * first branch whose predicate accepts it; with no default branch, records no branch accepts are
 * dropped.
 *
 * Keys: `<split prefix><branch name>`; unnamed branches are numbered from 1 in the order they were
 * added, an unnamed default branch is `<prefix>0`. The key type is tracked, so
 * `const { hot, cold } = s.split().branch(isHot, { name: 'hot' }).defaultBranch({ name: 'cold' })`
 * type-checks.
 */
import type { Branched } from './options.js';
import { branchSupplier, type BranchRoute } from './processors/branch.js';
import { passThroughSupplier, type Predicate } from './processors/stateless.js';
import type { StreamGraph } from './stream-graph.js';
import { KStream } from './kstream.js';
import { TopologyError } from '../topology/topology-error.js';

/** The result key of a branch: the prefix plus its name, or plus its number when unnamed. */
export type BranchKey<Prefix extends string, N extends string, Unnamed extends string = `${number}`> = [N] extends [never]
  ? `${Prefix}${Unnamed}`
  : `${Prefix}${N}`;

export class BranchedKStream<K, V, Branches extends string = never, Prefix extends string = ''> {
  private readonly splitterName: string;
  private readonly prefix: string;
  private readonly routes: BranchRoute<K, V>[] = [];
  private readonly branches = new Map<string, KStream<K, V>>();
  private finished = false;

  constructor(
    private readonly graph: StreamGraph,
    private readonly input: KStream<K, V>,
    prefix: Prefix | undefined,
  ) {
    this.prefix = prefix ?? '';
    this.splitterName = graph.nodeName({ name: prefix }, 'KSTREAM-BRANCH-');
    graph.topology.addProcessor(this.splitterName, branchSupplier(this.routes), input.nodeName);
  }

  branch<N extends string = never>(predicate: Predicate<K, V>, branched: Branched<N> = {}): BranchedKStream<K, V, Branches | BranchKey<Prefix, N>, Prefix> {
    this.addBranch(predicate, branched.name ?? String(this.routes.length + 1), branched.name !== undefined);
    return this as BranchedKStream<K, V, Branches | BranchKey<Prefix, N>, Prefix>;
  }

  /** Adds a branch for the records no other branch accepts, and returns all branches. */
  defaultBranch<N extends string = never>(branched: Branched<N> = {}): Record<Branches | BranchKey<Prefix, N, '0'>, KStream<K, V>> {
    this.addBranch(() => true, branched.name ?? '0', branched.name !== undefined);
    return this.finish();
  }

  /** Returns all branches; records no branch accepts are dropped. */
  noDefaultBranch(): Record<Branches, KStream<K, V>> {
    return this.finish();
  }

  private addBranch(predicate: Predicate<K, V>, branchName: string, userNamed: boolean): void {
    if (this.finished) throw new TopologyError(`split ${this.splitterName}: no branches can be added after defaultBranch()/noDefaultBranch()`);
    const key = `${this.prefix}${branchName}`;
    if (this.branches.has(key)) throw new TopologyError(`split ${this.splitterName}: there is already a branch named ${key}`);
    const childName = userNamed ? key : this.graph.generateName('KSTREAM-BRANCHCHILD-');
    this.graph.topology.addProcessor(childName, passThroughSupplier<K, V>(), this.splitterName);
    this.routes.push({ predicate, childName });
    const input = this.input;
    this.branches.set(key, new KStream(this.graph, childName, input.keySerde, input.valueSerde, input.repartitionRequired));
  }

  private finish<Keys extends string>(): Record<Keys, KStream<K, V>> {
    this.finished = true;
    return Object.fromEntries(this.branches) as Record<Keys, KStream<K, V>>;
  }
}
