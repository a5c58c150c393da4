/**
 * A sub-graph of a GraphDef: chosen nodes become Placeholders (fed instead of computed) and
 * only what the outputs need is kept. Used to run the arithmetic part of a SavedModel graph
 * whose front end (ParseExample, DecodeRaw) tfjs cannot execute.
 */
import type { GraphDefProto, NodeDefProto } from '../../formats/proto/graph.ts';
import { attr, type GraphDType } from './graph_builder.ts';

/** A node to replace by a Placeholder of this dtype and shape. */
export interface Feed {
  dtype: GraphDType;
  shape: number[];
}

const nodeOf = (input: string) => input.replace(/^\^/, '').replace(/:\d+$/, '');

/** `graph` with `feeds` as Placeholders, pruned to the ancestors of `outputs` (node names). */
export function cutGraph(graph: GraphDefProto, feeds: Record<string, Feed>, outputs: string[]): GraphDefProto {
  const byName = new Map<string, NodeDefProto>();
  for (const n of graph.node ?? []) {
    const feed = feeds[n.name ?? ''];
    byName.set(
      n.name ?? '',
      feed ? { name: n.name, op: 'Placeholder', input: [], attr: { dtype: attr.type(feed.dtype), shape: attr.shape(feed.shape) } } : n,
    );
  }
  const keep = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (keep.has(name)) continue;
    const n = byName.get(name);
    if (!n) throw new Error(`cutGraph: no node named ${name}`);
    keep.add(name);
    for (const i of n.input ?? []) stack.push(nodeOf(i));
  }
  return { ...graph, node: (graph.node ?? []).filter((n) => keep.has(n.name ?? '')).map((n) => byName.get(n.name ?? '') as NodeDefProto) };
}
