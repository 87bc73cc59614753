/**
 * Keras 3 functional configs hold operation nodes besides layers (`module: 'keras.src.ops...'`).
 * Every model with `Embedding(mask_zero=True)` has one: `NotEqual(tokens, 0)`, whose result
 * reaches the later layers as `kwargs.mask`. Lamina propagates masks along the graph itself
 * (the Embedding computes exactly that mask), so such a node is dropped. Any other operation
 * node is refused: no code from a file is ever run, and Lamina has no layer for it.
 */
import { LaminaError } from '../errors.js';
import type { JsonObject, JsonValue } from '../serialization/keras-object.js';
import { isObject } from './json.js';

const isOpNode = (entry: JsonObject): boolean =>
  typeof entry.module === 'string' && entry.module.startsWith('keras.src.ops');

/** The layer name in a `__keras_tensor__` object, or null. */
function historyOf(value: JsonValue | undefined): string | null {
  if (!isObject(value) || value.class_name !== '__keras_tensor__' || !isObject(value.config))
    return null;
  const history = value.config.keras_history;
  return Array.isArray(history) && typeof history[0] === 'string' ? history[0] : null;
}

/** Names of the layers a node's positional `args` read (masks in kwargs are not counted). */
function argSources(entry: JsonObject): string[] {
  const out: string[] = [];
  const visit = (v: JsonValue, depth: number): void => {
    if (depth > 8) return;
    const name = historyOf(v);
    if (name !== null) out.push(name);
    else if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
  };
  for (const node of Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [])
    if (isObject(node)) visit(node.args ?? [], 0);
    else if (Array.isArray(node))
      for (const ref of node)
        if (Array.isArray(ref) && typeof ref[0] === 'string') out.push(ref[0]);
  return out;
}

/** The operation nodes of a functional config to leave out (padding masks); others throw. */
export function maskOpNodes(
  entries: readonly JsonValue[],
  outputLayers: JsonValue | undefined,
  where: string,
): Set<string> {
  const objects = entries.filter(isObject);
  const embeddingInputs = new Set(
    objects
      .filter(
        (e) => e.class_name === 'Embedding' && isObject(e.config) && e.config.mask_zero === true,
      )
      .flatMap(argSources),
  );
  const usedAsData = new Set(objects.flatMap(argSources));
  const outputs = JSON.stringify(outputLayers ?? null);
  const skipped = new Set<string>();
  for (const entry of objects) {
    if (!isOpNode(entry)) continue;
    const name = typeof entry.name === 'string' ? entry.name : String(entry.class_name);
    const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
    const first = nodes[0];
    const args =
      nodes.length === 1 && isObject(first) && Array.isArray(first.args) ? first.args : [];
    const source = historyOf(args[0]);
    const isPaddingMask =
      entry.class_name === 'NotEqual' &&
      args.length === 2 &&
      args[1] === 0 &&
      source !== null &&
      embeddingInputs.has(source);
    if (!isPaddingMask || usedAsData.has(name) || outputs.includes(JSON.stringify(name)))
      throw new LaminaError(
        'unsupported',
        `${where}: operation node '${name}' (${String(entry.module)}.${String(entry.class_name)}) is not supported; Keras operations in a functional config load only as the padding mask of an Embedding(mask_zero=True) (NotEqual(tokens, 0) passed as mask)`,
      );
    skipped.add(name);
  }
  return skipped;
}
