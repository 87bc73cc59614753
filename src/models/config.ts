/**
 * The pieces of a model's Keras config that do not depend on the kind of model. Two forms are
 * written:
 * - 'keras3' (`toJSON`, `getConfig`): every object as `{ module, class_name, config,
 *   registered_name }`, functional nodes as `{ args: [__keras_tensor__...], kwargs }`;
 * - 'tfjs' (`model.json` of `save`): what TensorFlow.js's `loadLayersModel` reads: nodes as
 *   `[[layer, node_index, tensor_index, kwargs]]`, InputLayer with `batch_input_shape`, L1 and L2
 *   written as TensorFlow.js's `L1L2`. Keras 2 and 3 read this form too.
 * Each model class writes its own config (`Model.getConfig`, `Sequential.getConfig`).
 */
import type { Layer } from '../layers/base/layer.js';
import type { JsonObject, JsonValue } from '../serialization/keras-object.js';

export type ConfigForm = 'keras3' | 'tfjs';

/** `{ module, class_name, config, registered_name }` (keras3) or `{ class_name, config }` (tfjs). */
export function serializedEntry(
  className: string,
  config: JsonObject,
  form: ConfigForm,
): JsonObject {
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

/** A layer's own config (not a model's) in `form`. */
export function layerConfigAs(layer: Layer, form: ConfigForm): JsonObject {
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
