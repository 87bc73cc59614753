/**
 * The constructor options each layer class accepts, one mechanism for every layer: a class
 * declares `static argKeys` (its own keys, listed with `layerArgKeys<ItsArgs>`, so the compiler
 * checks the list against the args interface) and the Layer base refuses any other key, naming
 * the layer and the nearest valid key. A class that declares no `argKeys` of its own (a user's
 * subclass taking options of its own) is not checked. Layers rebuilt from a Keras config are
 * not checked either: configs carry keys of other Keras versions, which the loader tolerates.
 */
import { LaminaError } from '../../errors.js';
import { isDType } from '../../tensor/dtype.js';
import { checkOptions, describeValue, optionKeys } from '../../validation/options.js';
import type { LayerArgs } from './layer.js';

/** The keys every layer accepts (LayerArgs). */
export const LAYER_ARG_KEYS = optionKeys<LayerArgs>({
  name: true,
  trainable: true,
  dtype: true,
  inputShape: true,
  batchSize: true,
  batchInputShape: true,
  activityRegularizer: true,
  activityNormalization: true,
  weights: true,
});

/** A layer class's own keys: every key of `A` not in LayerArgs, checked by the compiler. */
export function layerArgKeys<A>(keys: {
  readonly [K in Exclude<keyof A, keyof LayerArgs>]-?: true;
}): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/** Depth of `withConfigArgs` calls: while positive, constructor options are not checked. */
let configDepth = 0;

/** Runs `build` (layers made from a Keras config) without the unknown-key check. */
export function withConfigArgs<T>(build: () => T): T {
  configDepth++;
  try {
    return build();
  } finally {
    configDepth--;
  }
}

/**
 * Refuses a key of `args` that `cls` (the class being constructed) does not accept, when `cls`
 * declares its own `argKeys`: those and `base` (LayerArgs unless the class takes other options,
 * as InputLayer does).
 */
export function checkLayerArgs(
  cls: { readonly argKeys?: readonly string[] },
  args: unknown,
  where: string,
  base: readonly string[] = LAYER_ARG_KEYS,
): void {
  if (configDepth > 0 || !Object.hasOwn(cls, 'argKeys') || cls.argKeys === undefined) return;
  checkOptions(args, [...base, ...cls.argKeys], where);
}

/**
 * The LayerArgs values every layer reads in the base constructor, checked for their type:
 * name a non-empty string, trainable a boolean, dtype a Lamina dtype, shapes lists of sizes or
 * nulls, batchSize a positive integer. `where` is the layer's class.
 */
export function checkBaseLayerArgs(
  args: unknown,
  where: string,
  shapeKeys: readonly string[] = ['inputShape', 'batchInputShape'],
): void {
  if (args === undefined) return;
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw new LaminaError(
      'invalid-argument',
      `${where}: options must be an object, received ${describeValue(args)}`,
    );
  const a = args as Readonly<Record<string, unknown>>;
  const refuse = (key: string, expected: string): never => {
    throw new LaminaError(
      'invalid-argument',
      `${where}: ${key} must be ${expected}, received ${describeValue(a[key])}`,
    );
  };
  if (a.name !== undefined && (typeof a.name !== 'string' || a.name.length === 0))
    refuse('name', 'a non-empty string');
  if (a.trainable !== undefined && typeof a.trainable !== 'boolean')
    refuse('trainable', 'true or false');
  if (a.dtype !== undefined && !isDType(a.dtype)) refuse('dtype', "'float32', 'int32' or 'bool'");
  const size = (d: unknown): boolean =>
    d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0);
  for (const key of shapeKeys)
    if (a[key] !== undefined && (!Array.isArray(a[key]) || !(a[key] as unknown[]).every(size)))
      refuse(key, 'a list of sizes (non-negative integers) or nulls');
  if (
    a.batchSize !== undefined &&
    a.batchSize !== null &&
    !(typeof a.batchSize === 'number' && Number.isInteger(a.batchSize) && a.batchSize > 0)
  )
    refuse('batchSize', 'a positive integer');
}
