import type { Layer } from '../layers/base/layer.js';
import type { LayerNode, SymbolicTensor } from '../layers/base/symbolic.js';
import { InputLayer } from '../layers/input.js';
import { LaminaError } from '../errors.js';

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
      throw new LaminaError(
        'invalid-argument',
        `${where}: graph disconnected: output depends on input '${node.layer.name}', which is not among the model's inputs (${inputs.map((i) => i.name).join(', ')})`,
      );
    }
    if (done.has(node)) return;
    if (visiting.has(node))
      throw new LaminaError(
        'invalid-argument',
        `${where}: the graph has a cycle through layer '${node.layer.name}'`,
      );
    visiting.add(node);
    for (const x of node.inputs) visit(x);
    visiting.delete(node);
    done.add(node);
    ordered.push(node);
  };
  for (const o of outputs) visit(o);
  return ordered;
}

/**
 * The layers of the graph in Keras's order (`model.layers`, and so the order of `weights` and
 * of the `.keras` saving paths): by decreasing depth counted from the outputs, ties in the order
 * a depth-first walk from the outputs first reaches them. Inputs not connected to any output come
 * last. Ordering by depth from the inputs instead disagrees whenever branches differ in length.
 */
export function kerasLayerOrder(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
): Layer[] {
  const inputIds = new Set(inputs.map((t) => t.id));
  const firstSeen = new Map<Layer, number>();
  const ordered: LayerNode[] = []; // every node after the nodes feeding it
  const done = new Set<LayerNode>();
  const isInputNode = (n: LayerNode): boolean => n.layer instanceof InputLayer;
  const visit = (t: SymbolicTensor): void => {
    const node = t.node;
    if (done.has(node)) return;
    if (!isInputNode(node) && inputIds.has(t.id)) {
      done.add(node);
      return;
    }
    if (!firstSeen.has(node.layer)) firstSeen.set(node.layer, firstSeen.size);
    if (!isInputNode(node)) for (const x of node.inputs) visit(x);
    done.add(node);
    ordered.push(node);
  };
  for (const o of outputs) visit(o);
  const inGraph = new Set(ordered);
  const nodeDepth = new Map<LayerNode, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...ordered].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    if (isInputNode(node)) continue;
    for (const x of node.inputs)
      if (inGraph.has(x.node))
        nodeDepth.set(x.node, Math.max(depth + 1, nodeDepth.get(x.node) ?? 0));
  }
  for (const t of inputs)
    if (!layerDepth.has(t.sourceLayer)) {
      layerDepth.set(t.sourceLayer, 0);
      firstSeen.set(t.sourceLayer, -1);
    }
  return [...layerDepth.keys()].sort(
    (a, b) =>
      (layerDepth.get(b) ?? 0) - (layerDepth.get(a) ?? 0) ||
      (firstSeen.get(a) ?? 0) - (firstSeen.get(b) ?? 0),
  );
}
