/**
 * Models from Keras configs: Sequential and functional (Keras 3 `{ args, kwargs }` nodes and the
 * Keras 2 / TensorFlow.js `[[layer, node, tensor, kwargs]]` nodes), nested models included.
 * Layers are created only from registered classes; no code is ever evaluated. Weight creation
 * runs under a parameter budget so that a config cannot make the loader allocate without bound.
 */
// Built-in layers register themselves on import; the loader must see them all.
import '../layers/index.js';
import { LaminaError, toLaminaError } from '../errors.js';
import { deserializeLayer, isRegisteredLayer } from '../layers/base/config.js';
import type { Layer } from '../layers/base/layer.js';
import { withParameterBudget } from '../layers/base/layer.js';
import type { SymbolicTensor } from '../layers/base/symbolic.js';
import { InputLayer } from '../layers/input.js';
import { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { canonicalName, type JsonObject, type JsonValue } from '../serialization/keras-object.js';
import type { DType } from '../tensor/dtype.js';
import {
  describe,
  expectArray,
  expectIndex,
  expectObject,
  expectString,
  isObject,
} from './json.js';
import {
  currentClassName,
  inputLayerShape,
  normalizeDType,
  normalizeLayerConfig,
  readShape,
} from './legacy.js';
import { maskOpNodes } from './op-nodes.js';

/** Runs `build` with every `addWeight` counted against `maxParams` (a LaminaError past it). */
export function withParamBudget<T>(
  maxParams: number,
  build: () => T,
  options: { initialize?: boolean } = {},
): T {
  return withParameterBudget(
    maxParams,
    (layer, weight, shape) =>
      new LaminaError(
        'too-large',
        `${layer.className} '${layer.name}': weight '${weight}' of shape [${shape.join(',')}] takes the model past ${maxParams} parameters, the most the weights being loaded can fill`,
      ),
    build,
    options,
  );
}

/** The model object inside a model.json, a Keras JSON or a Keras 2 `model_config`. */
export function topologyOf(value: JsonValue, where: string): JsonObject {
  const top = expectObject(value, where);
  if (top.modelTopology !== undefined) {
    if (top.modelTopology === null)
      throw new LaminaError('no-topology', `${where}: holds weights only (no model config)`);
    return topologyOf(top.modelTopology, `${where} > modelTopology`);
  }
  if (top.model_config !== undefined)
    return topologyOf(top.model_config, `${where} > model_config`);
  return top;
}

/** A Map, not an object: a class_name such as 'constructor' must not find Object's members. */
const MODEL_CLASSES: ReadonlyMap<string, 'sequential' | 'functional'> = new Map([
  ['sequential', 'sequential'],
  ['functional', 'functional'],
  ['model', 'functional'],
]);

/** Builds the model that a `{ class_name, config }` object describes. */
export function buildModel(object: JsonObject, where: string): Model {
  const className = expectString(object.class_name, `${where}: class_name`);
  const kind = MODEL_CLASSES.get(canonicalName(className));
  if (kind === undefined)
    throw new LaminaError(
      'unknown-class',
      `${where}: expected a model (Sequential, Functional or Model), found class '${className}'`,
    );
  const config = object.config ?? {};
  return kind === 'sequential' ? buildSequential(config, where) : buildFunctional(config, where);
}

function buildLayer(entry: JsonValue, where: string): Layer {
  const object = expectObject(entry, where);
  const className = expectString(object.class_name, `${where}: class_name`);
  if (MODEL_CLASSES.has(canonicalName(className))) return buildModel(object, where);
  const config = expectObject(object.config ?? {}, `${where}: config of ${className}`);
  const label = `${where} (${className}${typeof config.name === 'string' ? ` '${config.name}'` : ''})`;
  if (canonicalName(className) === 'inputlayer') {
    const dtype = normalizeDType(config.dtype, label) as DType | undefined;
    if (config.sparse === true || config.ragged === true)
      throw new LaminaError('unsupported', `${label}: sparse and ragged inputs are not supported`);
    const name =
      config.name === undefined ? undefined : expectString(config.name, `${label}: name`);
    return wrap(
      label,
      () => new InputLayer({ batchShape: inputLayerShape(config, label), dtype, name }),
    );
  }
  const registered = typeof object.registered_name === 'string' ? object.registered_name : null;
  const name = [registered, className, currentClassName(className)].find(
    (n): n is string => n !== null && isRegisteredLayer(n),
  );
  if (name === undefined)
    throw new LaminaError(
      'unknown-class',
      `${label}: unknown layer class '${className}'; custom layers load only once registered with registerLayer`,
    );
  const normalized = normalizeLayerConfig(currentClassName(name), config, label);
  return wrap(label, () => deserializeLayer({ class_name: name, config: normalized }, label));
}

function wrap<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    throw toLaminaError(
      e,
      / unknown \w+ '/.test(message) ? 'unknown-class' : 'invalid-config',
      where,
    );
  }
}

function modelName(config: JsonObject, where: string): string | undefined {
  return config.name === undefined || config.name === null
    ? undefined
    : expectString(config.name, `${where}: name`);
}

function buildSequential(config: JsonValue, where: string): Sequential {
  // Keras 1 and old TensorFlow.js files hold the list of layers itself.
  const object: JsonObject = Array.isArray(config)
    ? { layers: config }
    : expectObject(config, where);
  const entries = expectArray(object.layers ?? [], `${where}: layers`);
  const model = wrap(where, () => new Sequential({ name: modelName(object, where) }));
  entries.forEach((entry, i) => {
    const label = `${where} > layers[${i}]`;
    const layer = buildLayer(entry, label);
    wrap(`${label} '${layer.name}'`, () => model.add(layer));
  });
  if (!model.built && object.build_input_shape !== undefined && object.build_input_shape !== null) {
    const shape = readShape(object.build_input_shape, `${where}: build_input_shape`);
    wrap(where, () => model.build(shape));
  }
  if (object.trainable === false) model.trainable = false;
  return model;
}

interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

function readRef(value: JsonValue, where: string): TensorRef {
  const list = expectArray(value, where);
  return {
    layer: expectString(list[0], `${where}: layer name`),
    node: expectIndex(list[1], `${where}: node index`, 1e6),
    tensor: expectIndex(list[2], `${where}: tensor index`, 1e6),
  };
}

/** One inbound node as read from a config. */
interface NodeSpec {
  refs: TensorRef[];
  training?: boolean;
  /** How many of the last refs are the `initial_state` keyword's (Keras 3 form). */
  initialStates?: number;
}

/** Input refs and `training` of one inbound node, in either the Keras 3 or the older form. */
function readNode(node: JsonValue, where: string): NodeSpec {
  if (Array.isArray(node)) {
    const refs = node.map((r, i) => readRef(r, `${where}[${i}]`));
    const kwargs = Array.isArray(node[0]) ? node[0][3] : undefined;
    const training = isObject(kwargs) ? kwargs.training : undefined;
    return { refs, training: typeof training === 'boolean' ? training : undefined };
  }
  const object = expectObject(node, where);
  const refs: TensorRef[] = [];
  const collect = (v: JsonValue, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) v.forEach((x) => collect(x, depth + 1));
    else if (isObject(v) && v.class_name === '__keras_tensor__') {
      const history = expectObject(v.config, `${where}: keras tensor`).keras_history;
      refs.push(readRef(history ?? null, `${where}: keras_history`));
    }
  };
  collect(object.args ?? [], 0);
  const argCount = refs.length;
  // A recurrent layer's `initial_state` keyword: its tensors follow the sequence.
  if (isObject(object.kwargs)) collect(object.kwargs.initial_state ?? [], 0);
  const training = isObject(object.kwargs) ? object.kwargs.training : undefined;
  return {
    refs,
    training: typeof training === 'boolean' ? training : undefined,
    initialStates: refs.length - argCount,
  };
}

/** Leaves [name, node, tensor] of Keras's input_layers / output_layers (one, list or dict). */
function readRefs(value: JsonValue | undefined, where: string): TensorRef[] {
  if (Array.isArray(value) && typeof value[0] === 'string') return [readRef(value, where)];
  if (Array.isArray(value)) return value.flatMap((v, i) => readRefs(v, `${where}[${i}]`));
  if (isObject(value)) return Object.values(value).flatMap((v) => readRefs(v, where));
  throw new LaminaError(
    'invalid-config',
    `${where}: expected tensor references, found ${describe(value)}`,
  );
}

function buildFunctional(config: JsonValue, where: string): Model {
  const object = expectObject(config, where);
  const entries = expectArray(object.layers, `${where}: layers`);
  const byName = new Map<string, { layer: Layer; nodes: NodeSpec[] }>();
  const produced = new Map<string, SymbolicTensor[][]>();
  const maskNodes = maskOpNodes(entries, object.output_layers, where);
  entries.forEach((entry, i) => {
    const label = `${where} > layers[${i}]`;
    const e = expectObject(entry, label);
    if (typeof e.name === 'string' && maskNodes.has(e.name)) return;
    const layer = buildLayer(e, label);
    const name = typeof e.name === 'string' ? e.name : layer.name;
    if (byName.has(name))
      throw new LaminaError('invalid-config', `${label}: two layers are named '${name}'`);
    const nodes = expectArray(e.inbound_nodes ?? [], `${label} '${name}': inbound_nodes`).map(
      (n, k) => readNode(n, `${label} '${name}': inbound_nodes[${k}]`),
    );
    byName.set(name, { layer, nodes });
    produced.set(name, layer instanceof InputLayer ? [[layer.output]] : []);
  });
  for (const [name, { nodes }] of byName)
    for (const ref of nodes.flatMap((n) => n.refs))
      if (!byName.has(ref.layer))
        throw new LaminaError(
          'invalid-config',
          `${where}: layer '${name}' takes input from '${ref.layer}', which is not a layer of the model`,
        );
  const tensorOf = (ref: TensorRef): SymbolicTensor | undefined =>
    produced.get(ref.layer)?.[ref.node]?.[ref.tensor];
  // Apply nodes as their inputs become available, each layer's nodes in order (as Keras).
  let progress = true;
  while (progress) {
    progress = false;
    for (const [name, { layer, nodes }] of byName) {
      const done = produced.get(name) as SymbolicTensor[][];
      if (layer instanceof InputLayer || done.length >= nodes.length) continue;
      const node = nodes[done.length] as NodeSpec;
      const inputs = node.refs.map(tensorOf);
      if (inputs.some((t) => t === undefined)) continue;
      const all = inputs as SymbolicTensor[];
      const list = all.slice(0, all.length - (node.initialStates ?? 0));
      const states = all.slice(list.length);
      const out = wrap(`${where}: applying layer '${name}'`, () =>
        layer.apply(list.length === 1 ? (list[0] as SymbolicTensor) : list, {
          training: node.training,
          ...(states.length > 0 ? { initialState: states } : {}),
        }),
      );
      done.push(Array.isArray(out) ? out : [out]);
      progress = true;
    }
  }
  const resolve = (refs: TensorRef[], what: string): SymbolicTensor[] =>
    refs.map((r) => {
      const t = tensorOf(r);
      if (t === undefined)
        throw new LaminaError(
          'invalid-config',
          `${where}: ${what} [${r.layer}, ${r.node}, ${r.tensor}] is not produced by the graph (its inputs cannot be connected)`,
        );
      return t;
    });
  const inputs = resolve(readRefs(object.input_layers, `${where}: input_layers`), 'input');
  const outputs = resolve(readRefs(object.output_layers, `${where}: output_layers`), 'output');
  const model = wrap(
    where,
    () =>
      new Model({
        inputs: inputs.length === 1 ? (inputs[0] as SymbolicTensor) : inputs,
        outputs: outputs.length === 1 ? (outputs[0] as SymbolicTensor) : outputs,
        name: modelName(object, where),
      }),
  );
  if (object.trainable === false) model.trainable = false;
  return model;
}
