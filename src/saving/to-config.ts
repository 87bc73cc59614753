/**
 * Model configs in the Keras format. Two forms are written:
 * - 'keras3' (`toJSON`, `getConfig`): every object as `{ module, class_name, config,
 *   registered_name }`, functional nodes as `{ args: [__keras_tensor__...], kwargs }`;
 * - 'tfjs' (`model.json` of `save`): what TensorFlow.js's `loadLayersModel` reads: nodes as
 *   `[[layer, node_index, tensor_index, kwargs]]`, InputLayer with `batch_input_shape`, L1 and L2
 *   written as TensorFlow.js's `L1L2`. Keras 2 and 3 read this form too.
 * Nothing here imports model classes (they import this module): models are recognized by shape.
 */
import type { Layer } from '../layers/base/layer.js';
import type { LayerNode, SymbolicTensor } from '../layers/base/symbolic.js';
import type { JsonObject, JsonValue } from '../serialization/keras-object.js';
import { LaminaTypeError } from '../errors.js';

export type ConfigForm = 'keras3' | 'tfjs';

export const LIBRARY_VERSION = 'lamina-nn 0.1.0';

/** What the serializer needs of a functional model. */
interface ModelLike extends Layer {
  readonly layers: Layer[];
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  readonly graphNodes: readonly LayerNode[];
}

function isModel(layer: Layer): layer is ModelLike {
  return 'graphNodes' in layer && Array.isArray((layer as Partial<ModelLike>).layers);
}

function isSequential(layer: Layer): boolean {
  const l = layer as unknown as { add?: unknown; pop?: unknown };
  return isModel(layer) && typeof l.add === 'function' && typeof l.pop === 'function';
}

/** The model's own config (the `config` entry of its serialized form). */
export function modelConfig(model: Layer, form: ConfigForm = 'keras3'): JsonObject {
  if (!isModel(model))
    throw new LaminaTypeError('invalid-argument', `${String(model)} is not a model`);
  return isSequential(model) ? sequentialConfig(model, form) : functionalConfig(model, form);
}

/** `{ module, class_name, config, registered_name }` (keras3) or `{ class_name, config }` (tfjs). */
export function serializeLayerAs(layer: Layer, form: ConfigForm): JsonObject {
  const className = layer.className;
  const config = isModel(layer) ? modelConfig(layer, form) : layerConfig(layer, form);
  if (form === 'tfjs') return { class_name: className, config };
  const module =
    className === 'Functional'
      ? 'keras.src.models.functional'
      : className === 'Sequential'
        ? 'keras'
        : 'keras.layers';
  return {
    module,
    class_name: className,
    config,
    registered_name: className === 'Functional' ? 'Functional' : null,
  };
}

/** The whole model as Keras's `to_json` writes it. */
export function modelTopology(model: Layer, form: ConfigForm): JsonObject {
  return { ...serializeLayerAs(model, form), keras_version: LIBRARY_VERSION, backend: 'lamina' };
}

function layerConfig(layer: Layer, form: ConfigForm): JsonObject {
  const config = layer.getConfig();
  if (form === 'keras3') return config;
  const out = tfjsValue(config) as JsonObject;
  if (layer.className === 'InputLayer' && Array.isArray(config.batch_shape))
    out.batch_input_shape = config.batch_shape;
  return out;
}

/** TensorFlow.js knows L1 and L2 only as L1L2. */
function tfjsValue(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(tfjsValue);
  if (value === null || typeof value !== 'object') return value;
  const cls = value.class_name;
  const cfg = value.config;
  if (
    (cls === 'L1' || cls === 'L2') &&
    cfg !== null &&
    typeof cfg === 'object' &&
    !Array.isArray(cfg)
  ) {
    const l1 = typeof cfg.l1 === 'number' ? cfg.l1 : 0;
    const l2 = typeof cfg.l2 === 'number' ? cfg.l2 : 0;
    return { class_name: 'L1L2', config: { l1, l2 } };
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'module' || k === 'registered_name') continue;
    out[k] = tfjsValue(v);
  }
  return out;
}

function sequentialConfig(model: ModelLike, form: ConfigForm): JsonObject {
  const layers: JsonValue[] = [];
  const first = model.inputs[0];
  if (first !== undefined) layers.push(serializeLayerAs(first.sourceLayer, form));
  for (const l of model.layers) layers.push(serializeLayerAs(l, form));
  const config: JsonObject = { name: model.name, trainable: model.trainable, layers };
  if (first !== undefined) config.build_input_shape = [...first.shape];
  return config;
}

function functionalConfig(model: ModelLike, form: ConfigForm): JsonObject {
  // Node indices are renumbered within this model, as Keras does: a layer shared with another
  // model may have nodes that do not belong here.
  const nodeIndex = (t: SymbolicTensor): number => {
    const own = model.graphNodes.filter((n) => n.layer === t.sourceLayer);
    const i = own.indexOf(t.node);
    return i < 0 ? 0 : i;
  };
  const ref = (t: SymbolicTensor): [string, number, number] => [
    t.sourceLayer.name,
    nodeIndex(t),
    t.outputIndex,
  ];
  const kerasTensor = (t: SymbolicTensor): JsonObject => ({
    class_name: '__keras_tensor__',
    config: { shape: [...t.shape], dtype: t.dtype, keras_history: ref(t) },
  });
  const inputLayers = new Set(model.inputs.map((t) => t.sourceLayer));
  const layers = [...inputLayers, ...model.layers.filter((l) => !inputLayers.has(l))];
  return {
    name: model.name,
    trainable: model.trainable,
    layers: layers.map((l) => {
      const nodes = model.graphNodes.filter((n) => n.layer === l);
      const kwargs = (n: LayerNode): JsonObject =>
        n.training === undefined ? {} : { training: n.training };
      // Initial states given as `initialState` are Keras's `initial_state` keyword argument;
      // the 'tfjs' form lists them after the sequence, as TensorFlow.js records them.
      const keras3Node = (n: LayerNode): JsonObject => {
        const states = n.initialStateCount ?? 0;
        const args = n.inputs.slice(0, n.inputs.length - states);
        const kw = kwargs(n);
        if (states > 0) kw.initial_state = n.inputs.slice(args.length).map(kerasTensor);
        return {
          args: args.length === 1 ? args.map(kerasTensor) : [args.map(kerasTensor)],
          kwargs: kw,
        };
      };
      const inbound: JsonValue[] =
        form === 'tfjs'
          ? nodes.map((n) => n.inputs.map((t): JsonValue => [...ref(t), kwargs(n)]))
          : nodes.map(keras3Node);
      return { ...serializeLayerAs(l, form), name: l.name, inbound_nodes: inbound };
    }),
    input_layers: model.inputs.map(ref),
    output_layers: model.outputs.map(ref),
  };
}
