/**
 * Splits a topology into sub-topologies: the connected parts of the graph. Nodes are connected by
 * parent/child edges and by sharing a state store; topics are not edges, so a repartition topic
 * (written by a sink in one part, read by a source in another) is where the graph is cut. Each
 * sub-topology runs as its own tasks, one per input partition.
 */
import type { StoreBuilder } from '../state/types.js';
import type { TopologyNode } from './nodes.js';

export interface Subtopology {
  readonly id: number;
  /** In the order they were added to the topology, which is a topological order (parents first). */
  readonly nodes: readonly TopologyNode[];
  /** Topic names as written in the topology (internal ones not yet prefixed with the application id). */
  readonly sourceTopics: readonly string[];
  readonly stores: readonly StoreBuilder[];
}

/**
 * Groups `nodes` (in insertion order) into sub-topologies numbered in the order of their first
 * node; since a node's parents are always added before it, every group starts with a source.
 */
export function splitIntoSubtopologies(
  nodes: readonly TopologyNode[],
  stores: ReadonlyMap<string, StoreBuilder>,
): Subtopology[] {
  const groupOf = new UnionFind(nodes.map((node) => node.name));
  const storeUsers = new Map<string, string>();
  for (const node of nodes) {
    if (node.kind === 'source') continue;
    for (const parent of node.parents) groupOf.union(parent, node.name);
    if (node.kind !== 'processor') continue;
    for (const store of node.stores) {
      const firstUser = storeUsers.get(store);
      if (firstUser === undefined) storeUsers.set(store, node.name);
      else groupOf.union(firstUser, node.name);
    }
  }

  const groups = new Map<string, TopologyNode[]>();
  for (const node of nodes) {
    const root = groupOf.find(node.name);
    const members = groups.get(root);
    if (members === undefined) groups.set(root, [node]);
    else members.push(node);
  }

  return [...groups.values()].map((members, id) => {
    const sourceTopics = members.flatMap((node) => (node.kind === 'source' ? node.topics : []));
    const storeNames = new Set(members.flatMap((node) => (node.kind === 'processor' ? node.stores : [])));
    const groupStores = [...storeNames].map((name) => stores.get(name)).filter((b) => b !== undefined);
    return { id, nodes: members, sourceTopics, stores: groupStores };
  });
}

class UnionFind {
  private readonly parent = new Map<string, string>();

  constructor(names: readonly string[]) {
    for (const name of names) this.parent.set(name, name);
  }

  find(name: string): string {
    let root = name;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(name, root);
    return root;
  }

  union(a: string, b: string): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA !== rootB) this.parent.set(rootB, rootA);
  }
}
