import type { LayerNode, SymbolicTensor } from '../layers/base/symbolic.js';
import { InputLayer } from '../layers/input.js';

/**
 * The layer applications between `inputs` and `outputs`, in an order where every node comes
 * after the nodes producing its inputs. Throws if an output depends on a tensor that is not
 * one of the inputs (a disconnected graph).
 */
export function nodesBetween(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
  where: string,
): LayerNode[] {
  const inputIds = new Set(inputs.map((t) => t.id));
  const ordered: LayerNode[] = [];
  const done = new Set<LayerNode>();
  const visiting = new Set<LayerNode>();
  const visit = (t: SymbolicTensor): void => {
    if (inputIds.has(t.id)) return;
    const node = t.node;
    if (node.layer instanceof InputLayer) {
      throw new Error(
        `${where}: graph disconnected: output depends on input '${node.layer.name}', which is not among the model's inputs (${inputs.map((i) => i.name).join(', ')})`,
      );
    }
    if (done.has(node)) return;
    if (visiting.has(node))
      throw new Error(`${where}: the graph has a cycle through layer '${node.layer.name}'`);
    visiting.add(node);
    for (const x of node.inputs) visit(x);
    visiting.delete(node);
    done.add(node);
    ordered.push(node);
  };
  for (const o of outputs) visit(o);
  return ordered;
}
