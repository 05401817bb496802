/**
 * A read-only picture of a topology, for humans: `toString()` prints it the way Kafka Streams'
 * `Topology#describe()` does (so people can compare the two), `toMermaid()` draws it. Topic names
 * are as written in the topology: internal topics appear without the application id prefix.
 */
import type { Subtopology } from './subtopology.js';

export type NodeDescription =
  | { readonly kind: 'source'; readonly name: string; readonly topics: readonly string[]; readonly successors: readonly string[] }
  | {
      readonly kind: 'processor';
      readonly name: string;
      readonly stores: readonly string[];
      readonly predecessors: readonly string[];
      readonly successors: readonly string[];
    }
  /** `topic` is undefined for a sink that picks its topic per record. */
  | { readonly kind: 'sink'; readonly name: string; readonly topic: string | undefined; readonly predecessors: readonly string[] };

export interface SubtopologyDescription {
  readonly id: number;
  readonly nodes: readonly NodeDescription[];
  /** True for the sub-topology of a global store, which generates no tasks. */
  readonly global: boolean;
}

/** Names ending in a 10-digit counter were generated (`KSTREAM-AGGREGATE-STATE-STORE-0000000003`). */
const GENERATED_NAME = /\d{10}(-repartition)?$/;

export class TopologyDescription {
  readonly subtopologies: readonly SubtopologyDescription[];
  /**
   * Stores and internal topics whose names were generated: they are numbered by position in the
   * program, so adding an operator upstream renames them and orphans their state.
   */
  readonly generatedStateNames: readonly string[];

  constructor(subtopologies: readonly Subtopology[], globalSubtopologies: readonly Subtopology[] = [], repartitionTopics: readonly string[] = []) {
    this.subtopologies = [
      ...subtopologies.map((sub) => ({ id: sub.id, nodes: sub.nodes.map(describeNode), global: false })),
      ...globalSubtopologies.map((sub) => ({ id: sub.id, nodes: sub.nodes.map(describeNode), global: true })),
    ];
    const storeNames = [...subtopologies, ...globalSubtopologies].flatMap((sub) => sub.stores.map((store) => store.name));
    this.generatedStateNames = [...new Set([...storeNames, ...repartitionTopics])].filter((name) => GENERATED_NAME.test(name));
  }

  toString(): string {
    let text = 'Topologies:\n';
    for (const sub of this.subtopologies) {
      text += `   Sub-topology: ${sub.id}${sub.global ? ' for global store (will not generate tasks)' : ''}\n`;
      for (const node of sub.nodes) text += describeNodeText(node);
      text += '\n';
    }
    if (this.generatedStateNames.length > 0) {
      text +=
        `Warning: stateful operators with generated names: [${this.generatedStateNames.join(', ')}]. ` +
        'These names shift when an operator is added or removed upstream, which orphans the state and internal topics behind them; ' +
        'name them (Materialized.as, Grouped.as, Named) to keep them stable.\n';
    }
    return text;
  }

  /** A Mermaid flowchart: one box per sub-topology, topics (stadiums) and stores (cylinders) linking them. */
  toMermaid(): string {
    const ids = new MermaidIds();
    const allNodes = this.subtopologies.flatMap((sub) => sub.nodes);
    for (const node of allNodes) ids.get('node', node.name);

    // Topics are declared before the sub-topology boxes: a node first mentioned inside a box belongs to it.
    const lines = ['flowchart TD'];
    const topicEdges: string[] = [];
    for (const node of allNodes) {
      const topics = node.kind === 'source' ? node.topics : node.kind === 'sink' && node.topic !== undefined ? [node.topic] : [];
      for (const name of topics) {
        if (!ids.has('topic', name)) lines.push(`  ${ids.get('topic', name)}(["${escapeLabel(name)}"])`);
        const [from, to] = node.kind === 'source' ? [ids.get('topic', name), ids.get('node', node.name)] : [ids.get('node', node.name), ids.get('topic', name)];
        topicEdges.push(`  ${from} --> ${to}`);
      }
    }
    for (const sub of this.subtopologies) {
      lines.push(`  subgraph sub${sub.id} ["Sub-topology: ${sub.id}"]`);
      const edges: string[] = [];
      for (const node of sub.nodes) {
        const id = ids.get('node', node.name);
        lines.push(`    ${id}${nodeShape(node)}`);
        if (node.kind !== 'sink') for (const child of node.successors) edges.push(`    ${id} --> ${ids.get('node', child)}`);
        if (node.kind !== 'processor') continue;
        for (const store of node.stores) {
          if (!ids.has('store', store)) lines.push(`    ${ids.get('store', store)}[("${escapeLabel(store)}")]`);
          edges.push(`    ${id} -.- ${ids.get('store', store)}`);
        }
      }
      lines.push(...edges, '  end');
    }
    lines.push(...topicEdges);
    return lines.join('\n') + '\n';
  }
}

function describeNode(node: Subtopology['nodes'][number]): NodeDescription {
  switch (node.kind) {
    case 'source':
      return { kind: 'source', name: node.name, topics: node.topics, successors: node.children };
    case 'processor':
      return { kind: 'processor', name: node.name, stores: node.stores, predecessors: node.parents, successors: node.children };
    case 'sink':
      return { kind: 'sink', name: node.name, topic: typeof node.topic === 'string' ? node.topic : undefined, predecessors: node.parents };
  }
}

function describeNodeText(node: NodeDescription): string {
  switch (node.kind) {
    case 'source':
      return `    Source: ${node.name} (topics: [${node.topics.join(', ')}])\n` + arrows('-->', node.successors);
    case 'processor':
      return (
        `    Processor: ${node.name} (stores: [${node.stores.join(', ')}])\n` +
        arrows('-->', node.successors) +
        arrows('<--', node.predecessors)
      );
    case 'sink':
      return `    Sink: ${node.name} (${node.topic === undefined ? 'topic extractor' : `topic: ${node.topic}`})\n` + arrows('<--', node.predecessors);
  }
}

function arrows(arrow: string, names: readonly string[]): string {
  return `      ${arrow} ${names.length === 0 ? 'none' : names.join(', ')}\n`;
}

/** Sources are parallelograms leaning right, sinks leaning left, processors rectangles. */
function nodeShape(node: NodeDescription): string {
  const label = escapeLabel(node.name);
  if (node.kind === 'source') return `[/"${label}"/]`;
  if (node.kind === 'sink') return `[\\"${label}"\\]`;
  return `["${label}"]`;
}

function escapeLabel(text: string): string {
  return text.replaceAll('"', '#quot;');
}

/**
 * Short Mermaid ids (n0, t0, s0): node and topic names contain `-`, which Mermaid would read as
 * part of an arrow.
 */
class MermaidIds {
  private readonly ids = new Map<string, string>();
  private readonly counts = { node: 0, topic: 0, store: 0 };

  has(kind: 'node' | 'topic' | 'store', name: string): boolean {
    return this.ids.has(`${kind}:${name}`);
  }

  get(kind: 'node' | 'topic' | 'store', name: string): string {
    const key = `${kind}:${name}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = `${kind[0]}${this.counts[kind]++}`;
      this.ids.set(key, id);
    }
    return id;
  }
}
