/**
 * Activations by name, as layers take them (`activation: 'relu'`). Keras configs store the name;
 * names are accepted in Keras spelling (snake_case) and TensorFlow.js spelling (camelCase).
 */
import * as act from '../ops/activations.js';
import { exp, mul } from '../ops/elementwise.js';
import { canonicalName } from '../serialization/keras-object.js';
import type { Tensor } from '../tensor/tensor.js';
import { LaminaError, LaminaTypeError } from '../errors.js';
import { showValue } from '../validation/options.js';

export type ActivationFn = (x: Tensor) => Tensor;

export interface Activation {
  /** The Keras name written to configs ('relu', 'softmax', ...). */
  readonly name: string;
  readonly apply: ActivationFn;
}

const table: readonly Activation[] = [
  { name: 'linear', apply: (x) => x },
  { name: 'relu', apply: act.relu },
  { name: 'relu6', apply: act.relu6 },
  { name: 'leaky_relu', apply: (x) => act.leakyRelu(x, 0.2) },
  { name: 'elu', apply: act.elu },
  { name: 'selu', apply: act.selu },
  { name: 'gelu', apply: (x) => act.gelu(x, false) },
  { name: 'sigmoid', apply: act.sigmoid },
  { name: 'hard_sigmoid', apply: act.hardSigmoid },
  { name: 'tanh', apply: act.tanh },
  { name: 'softplus', apply: act.softplus },
  { name: 'softsign', apply: act.softsign },
  { name: 'silu', apply: (x) => act.swish(x) },
  { name: 'hard_silu', apply: (x) => mul(x, act.hardSigmoid(x)) },
  { name: 'mish', apply: (x) => mul(x, act.tanh(act.softplus(x))) },
  { name: 'exponential', apply: exp },
  { name: 'softmax', apply: (x) => act.softmax(x, -1) },
  { name: 'log_softmax', apply: (x) => act.logSoftmax(x, -1) },
];

const aliases: Record<string, string> = {
  swish: 'silu',
  hardswish: 'hard_silu',
  hardsilu: 'hard_silu',
};

const byName = new Map(table.map((a) => [canonicalName(a.name), a]));

export type ActivationIdentifier = string | ActivationFn | Activation | null | undefined;

/** Resolves a name ('relu', 'leakyRelu', 'log_softmax', ...), a function or null ('linear'). */
export function getActivation(
  identifier: ActivationIdentifier,
  where = 'getActivation',
): Activation {
  if (identifier === null || identifier === undefined) return table[0] as Activation;
  if (typeof identifier === 'function')
    return { name: identifier.name || 'custom', apply: identifier };
  // An Activation object: a name and an apply (a regularizer or initializer has an apply too,
  // but no name to serialize the layer with).
  if (
    typeof identifier === 'object' &&
    typeof identifier.apply === 'function' &&
    typeof identifier.name === 'string'
  )
    return identifier;
  if (typeof identifier === 'string') {
    const key = canonicalName(identifier);
    const alias = Object.hasOwn(aliases, key) ? aliases[key] : undefined;
    const found = byName.get(alias !== undefined ? canonicalName(alias) : key);
    if (found !== undefined) return found;
  }
  throw new LaminaError(
    'invalid-argument',
    `${where}: unknown activation ${typeof identifier === 'string' ? JSON.stringify(identifier) : showValue(identifier)}. Known: ${table.map((a) => a.name).join(', ')}`,
  );
}

/**
 * 'linear' or 'relu' when `activation` is that built-in one (the kinds a layer's bias can be
 * fused with, see `ops/fused.ts` biasActivation), else null. A user function named relu is not
 * trusted to be one.
 */
export function fusableActivation(activation: Activation): 'linear' | 'relu' | null {
  if (activation === table[0]) return 'linear';
  if (activation === byName.get('relu')) return 'relu';
  return null;
}

/** The name Keras writes for an activation; functions that are not built in cannot be written. */
export function serializeActivation(activation: Activation): string {
  if (
    !byName.has(canonicalName(activation.name)) ||
    byName.get(canonicalName(activation.name)) !== activation
  ) {
    throw new LaminaTypeError(
      'invalid-argument',
      `serializeActivation: the custom activation '${activation.name}' cannot be serialized (configs hold no code)`,
    );
  }
  return activation.name;
}
