/**
 * Layer configs as Keras 1, Keras 2 / tf.keras, Keras 3 and TensorFlow.js write them, brought
 * to the form Lamina's layers read: Keras 1 class and argument names, Keras 3 dtype policies,
 * and the several ways an input shape is written.
 */
import { LaminaError } from '../errors.js';
import { canonicalName, type JsonObject, type JsonValue } from '../serialization/keras-object.js';
import type { SymbolicShape } from '../layers/base/symbolic.js';
import { describe, expectIndex, isObject } from './json.js';

/** Keras 1 / alias class names (canonical spelling) to the class names Lamina registers. */
const CLASS_ALIASES: Readonly<Record<string, string>> = {
  convolution1d: 'Conv1D',
  convolution2d: 'Conv2D',
  deconvolution2d: 'Conv2DTranspose',
  convolution2dtranspose: 'Conv2DTranspose',
  separableconvolution2d: 'SeparableConv2D',
  depthwiseconvolution2d: 'DepthwiseConv2D',
  maxpool1d: 'MaxPooling1D',
  maxpool2d: 'MaxPooling2D',
  avgpool1d: 'AveragePooling1D',
  avgpool2d: 'AveragePooling2D',
  globalmaxpool1d: 'GlobalMaxPooling1D',
  globalmaxpool2d: 'GlobalMaxPooling2D',
  globalavgpool1d: 'GlobalAveragePooling1D',
  globalavgpool2d: 'GlobalAveragePooling2D',
};

export function currentClassName(name: string): string {
  const key = canonicalName(name);
  return Object.hasOwn(CLASS_ALIASES, key) ? (CLASS_ALIASES[key] as string) : name;
}

/** Keras 1 argument names that Keras 2 renamed (the layers map W_regularizer & co. themselves). */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  init: 'kernel_initializer',
  inner_init: 'recurrent_initializer',
  nb_filter: 'filters',
  subsample: 'strides',
  subsample_length: 'strides',
  border_mode: 'padding',
  dim_ordering: 'data_format',
  pool_length: 'pool_size',
  filter_length: 'kernel_size',
  input_dtype: 'dtype',
};

const FLOAT_DTYPES = new Set(['float16', 'bfloat16', 'float64', 'mixed_float16', 'mixed_bfloat16']);

/** A Keras 3 `DTypePolicy` object or a dtype name, as a Lamina dtype. */
export function normalizeDType(value: JsonValue | undefined, where: string): string | undefined {
  let name: JsonValue | undefined = value;
  if (isObject(value)) name = isObject(value.config) ? value.config.name : value.name;
  if (name === undefined || name === null) return undefined;
  if (typeof name !== 'string')
    throw new LaminaError(
      'invalid-config',
      `${where}: dtype must be a name, found ${describe(value)}`,
    );
  if (name === 'float32' || name === 'int32' || name === 'bool') return name;
  if (FLOAT_DTYPES.has(name)) {
    console.warn(`${where}: dtype '${name}' is loaded as float32 (Lamina computes in float32)`);
    return 'float32';
  }
  throw new LaminaError(
    'unsupported',
    `${where}: dtype '${name}' is not supported (float32, int32, bool)`,
  );
}

/** A layer config with Keras 1 names and Keras 3 dtype policies brought to today's form. */
export function normalizeLayerConfig(
  className: string,
  config: JsonObject,
  where: string,
): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    const current = Object.hasOwn(KEY_ALIASES, key) ? (KEY_ALIASES[key] as string) : key;
    if (current in config && current !== key) continue;
    out[current] = value;
  }
  // Keras 1 Dense: output_dim; Keras 1 Conv2D: nb_row, nb_col; bias (a boolean) is use_bias.
  if (className === 'Dense' && 'output_dim' in out && !('units' in out)) {
    out.units = out.output_dim ?? null;
    delete out.output_dim;
  }
  if ('nb_row' in out && 'nb_col' in out && !('kernel_size' in out)) {
    out.kernel_size = [out.nb_row ?? null, out.nb_col ?? null];
    delete out.nb_row;
    delete out.nb_col;
  }
  if (typeof out.bias === 'boolean' && !('use_bias' in out)) {
    out.use_bias = out.bias;
    delete out.bias;
  }
  if (out.data_format === 'tf') out.data_format = 'channels_last';
  if (out.data_format === 'th') out.data_format = 'channels_first';
  if ('dtype' in out) {
    const dtype = normalizeDType(out.dtype, where);
    if (dtype === undefined) delete out.dtype;
    else out.dtype = dtype;
  }
  // Wrapped layers (Bidirectional's layer and backward_layer) carry their own dtype policies.
  for (const key of ['layer', 'backward_layer']) {
    const inner = out[key];
    if (isObject(inner) && typeof inner.class_name === 'string' && isObject(inner.config))
      out[key] = {
        ...inner,
        config: normalizeLayerConfig(currentClassName(inner.class_name), inner.config, where),
      };
  }
  for (const key of ['input_dim', 'input_shape', 'batch_input_shape', 'batch_size'])
    if (out[key] === null) delete out[key];
  if ('batch_input_shape' in out) out.batch_input_shape = readShape(out.batch_input_shape, where);
  return out;
}

/** Most elements one sample of an input may declare: tracing shapes allocates this many. */
const MAX_SAMPLE_SIZE = 2 ** 24;

/** A shape [batch, ...dims] of nulls and small non-negative integers. */
export function readShape(value: JsonValue | undefined, where: string): (number | null)[] {
  if (!Array.isArray(value) || value.length > 8)
    throw new LaminaError(
      'invalid-config',
      `${where}: expected an input shape (a list of at most 8 sizes or nulls), found ${describe(value)}`,
    );
  const shape = value.map((d) => (d === null ? null : expectIndex(d, `${where}: shape entry`)));
  const size = shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), 1);
  if (size > MAX_SAMPLE_SIZE)
    throw new LaminaError(
      'too-large',
      `${where}: input shape ${JSON.stringify(shape)} declares ${size} values per sample, more than ${MAX_SAMPLE_SIZE}`,
    );
  return shape;
}

/** The full input shape of an InputLayer config, however it is written. */
export function inputLayerShape(config: JsonObject, where: string): SymbolicShape {
  if (config.batch_shape !== undefined && config.batch_shape !== null)
    return readShape(config.batch_shape, where);
  if (config.batch_input_shape !== undefined && config.batch_input_shape !== null)
    return readShape(config.batch_input_shape, where);
  const sample = config.shape ?? config.input_shape;
  if (!Array.isArray(sample))
    throw new LaminaError(
      'invalid-config',
      `${where}: an InputLayer needs batch_shape, batch_input_shape or shape, found ${describe(config)}`,
    );
  const batch = config.batch_size;
  return readShape([typeof batch === 'number' ? batch : null, ...sample], where);
}
