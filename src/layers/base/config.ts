/**
 * Layer configs: `getConfig()` returns Keras's snake_case config; a layer is rebuilt from it by
 * passing the camelCased keys to its constructor (constructors accept serialized regularizers,
 * initializers and constraints as identifiers). Layers are found by class name in a registry.
 */
import { serializeConstraint, type Constraint } from '../../constraints/index.js';
import { serializeInitializer, type Initializer } from '../../initializers/index.js';
import { serializeRegularizer } from '../../regularizers/index.js';
import type { Regularizer } from '../../regularizers/regularizer.js';
import {
  camelCase,
  Registry,
  type JsonObject,
  type JsonValue,
  type KerasObject,
} from '../../serialization/keras-object.js';
import { withConfigArgs } from './arg-keys.js';
import type { WeightConstraint } from './weight.js';
import type { Layer } from './layer.js';

/**
 * Config keys to constructor arguments: snake_case to camelCase, except Keras 1 names such as
 * `W_regularizer` and `b_constraint`, kept as they are so the layer maps them with a warning.
 */
export function camelizeKeys(config: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[/^[A-Za-z]_/.test(k) ? k : camelCase(k)] = v;
  return out;
}

export function regularizerConfig(r: Regularizer | null): JsonValue {
  return r === null ? null : serializeRegularizer(r);
}

export function initializerConfig(i: Initializer): JsonValue {
  return serializeInitializer(i);
}

export function constraintConfig(c: WeightConstraint | null): JsonValue {
  return c === null ? null : serializeConstraint(c as Constraint);
}

const layers = new Registry<Layer>('layer', 'keras.layers');

/**
 * Makes a layer class loadable from configs by its class name. Built-in layers register
 * themselves; custom layers must be registered by the user (configs never hold code).
 */
export function registerLayer<A>(
  cls: { className: string; new (args: A): Layer },
  fromConfig?: (config: JsonObject) => Layer,
): void {
  layers.register(cls.className, fromConfig ?? ((config) => new cls(camelizeKeys(config) as A)));
}

export function serializeLayer(layer: Layer): KerasObject {
  return layers.serialize(layer.className, layer.getConfig());
}

export function deserializeLayer(object: KerasObject, where = 'deserializeLayer'): Layer {
  return withConfigArgs(() =>
    layers.create(object.registered_name ?? object.class_name, object.config ?? {}, where),
  );
}

/** Whether a layer class of this name (any spelling) can be loaded from configs. */
export function isRegisteredLayer(name: string): boolean {
  return layers.has(name);
}
