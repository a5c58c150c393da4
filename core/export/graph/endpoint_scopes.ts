/**
 * Names traced nodes after the S3D-G endpoint that computes them. The tracer names ops after
 * the last variable read (…/Conv2d_0a_1x1/Conv3D), which leaves parameter-free steps — a
 * stand-alone max pool, the logits' average pool, the predictions — under the previous layer;
 * this moves every op of endpoint E that is not already under `<model>/E/` to
 * `<model>/E/<op name>` (and its helper Consts with it), as TF-slim's scopes would place it.
 * Inside a block, a pool read by a single layer goes beside that layer (`…/Branch_3/MaxPool3D`),
 * and a block's closing ConcatV2 goes directly under the block (`<model>/Mixed_3b/concat`).
 */
import type { GraphBuilder, SymbolicTensor } from './graph_builder.ts';

const parent = (name: string) => name.slice(0, name.lastIndexOf('/'));
const base = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/**
 * Renames the nodes created from index `first` on, given the endpoints in computation order;
 * `variables` are never renamed. Returns the renames (old → new).
 */
export function scopeByEndpoint(
  g: GraphBuilder,
  first: number,
  endpoints: Map<string, SymbolicTensor>,
  modelScope: string,
  variables: ReadonlySet<string>,
): Map<string, string> {
  const nodes = g.nodeSummaries();
  const names = nodes.map((n) => n.name);
  const index = new Map(names.map((n, i) => [n, i]));
  const consumers = new Map<string, string[]>();
  for (const n of nodes)
    for (const i of n.inputs) consumers.set(i.replace(/:\d+$/, ''), [...(consumers.get(i.replace(/:\d+$/, '')) ?? []), n.name]);
  const bounds = [...endpoints].map(([e, t]) => ({ prefix: `${modelScope}/${e}/`, end: index.get(t.node) ?? -1 }));
  const renames = new Map<string, string>();
  let k = 0;
  for (let i = first; i < names.length && k < bounds.length; i++) {
    while (k < bounds.length && bounds[k].end < i) k++;
    if (k === bounds.length) break;
    const { name, op } = nodes[i];
    if (variables.has(name)) continue;
    const readers = consumers.get(name) ?? [];
    if (name.startsWith(bounds[k].prefix)) {
      if (op === 'ConcatV2' && i === bounds[k].end && parent(name) !== bounds[k].prefix.slice(0, -1)) {
        renames.set(name, g.uniqueName(`${bounds[k].prefix}${base(name)}`, true));
      } else if (op.endsWith('Pool3D') && readers.length === 1 && i !== bounds[k].end) {
        const beside = parent(parent(readers[0]));
        if (beside.startsWith(bounds[k].prefix) && !name.startsWith(`${beside}/`))
          renames.set(name, g.uniqueName(`${beside}/${base(name)}`, true));
      }
      continue;
    }
    renames.set(name, g.uniqueName(`${bounds[k].prefix}${base(name)}`, true));
  }
  // Helper Consts (axes, epsilons) live under their op's name: move them along.
  for (const name of names) {
    const to = renames.get(parent(name));
    if (to !== undefined && !variables.has(name) && !renames.has(name)) renames.set(name, g.uniqueName(`${to}/${base(name)}`, true));
  }
  g.rename(renames);
  return renames;
}
