/**
 * The constructor options each layer class accepts, one mechanism for every layer: a class
 * declares `static argKeys` (its own keys, listed with `layerArgKeys<ItsArgs>`, so the compiler
 * checks the list against the args interface) and the Layer base refuses any other key, naming
 * the layer and the nearest valid key. A class that declares no `argKeys` of its own (a user's
 * subclass taking options of its own) is not checked. Layers rebuilt from a Keras config are
 * not checked either: configs carry keys of other Keras versions, which the loader tolerates.
 */
import { checkOptions, optionKeys } from '../../validation/options.js';
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
