/**
 * The optimizer state as Keras 3 saves it: `optimizer/vars/<i>` holds `optimizer.variables`, that
 * is the iteration count, the learning rate (unless it is a schedule), then the slots of every
 * trainable variable in `model.trainable_variables` order. Slots built together are interleaved
 * per variable (Adam: momentum and velocity of the first variable, then of the second...); those
 * Keras builds in a separate call (RMSprop's, Adam's amsgrad `velocity_hat`) follow as blocks.
 * Nadam ends with its running product of momentum factors.
 *
 * Legacy `.h5` files hold the same state under `optimizer_weights`, in one of three layouts:
 *   'keras3': Keras 3's legacy writer, the order above ('adam/iteration', 'adam/learning_rate'...);
 *   'tf.keras': tf.keras 2.11+ optimizers (tf_keras/optimizers/optimizer.py): the order above
 *     without the learning rate ('iteration:0', 'm/dense/kernel:0', 'v/dense/kernel:0'...);
 *   'tf.keras-v2': tf.keras 2.x's OptimizerV2 (TF <= 2.10, `tf.keras.optimizers.legacy` since):
 *     `optimizer.weights`, the iteration count ('Adam/iter:0') then each slot for every weight
 *     in turn, as `_create_slots` adds them (Adam: every 'm', then every 'v', then 'vhat'; SGD:
 *     'momentum'; RMSprop: 'rms', 'momentum', 'mg').
 */
import { LaminaError } from '../../errors.js';
import type { LayerWeight } from '../../layers/base/weight.js';
import { scalar, tensor } from '../../ops/convert.js';
import {
  deserializeOptimizer,
  serializeOptimizer,
  type Optimizer,
} from '../../optimizers/index.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { H5Array } from './hdf5.js';

export const OPTIMIZER_VARS = 'optimizer/vars';

/** Which writer's order the saved optimizer variables follow (see above). */
export type OptimizerLayout = 'keras3' | 'tf.keras' | 'tf.keras-v2';

/** Optimizers whose tf.keras slots are known to match Lamina's, slot for slot. */
const TF_KERAS_OPTIMIZERS: ReadonlySet<string> = new Set(['SGD', 'Adam', 'RMSprop']);

/** The layout of legacy `optimizer_weights` from their names (the first is the iteration count). */
export function legacyOptimizerLayout(names: readonly string[]): OptimizerLayout {
  const first = names[0] ?? '';
  if (/(^|\/)iter:0$/.test(first)) return 'tf.keras-v2';
  if (first === 'iteration:0') return 'tf.keras';
  return 'keras3';
}

/** Which slot indices Keras interleaves per variable, block by block. */
function slotBlocks(optimizer: Optimizer, slotCount: number): number[][] {
  const all = Array.from({ length: slotCount }, (_, i) => i);
  if (optimizer.className === 'RMSprop') return all.map((i) => [i]);
  if ((optimizer.className === 'Adam' || optimizer.className === 'AdamW') && slotCount === 3)
    return [[0, 1], [2]];
  return slotCount === 0 ? [] : [all];
}

/** Nadam's product of u_t = beta1 (1 - 0.5 * 0.96^(0.004 t)) over steps 1..t (Keras's u_product). */
function nadamProduct(optimizer: Optimizer): number {
  const beta1 = Number(optimizer.getConfig().beta_1 ?? 0.9);
  let product = 1;
  for (let t = 1; t <= optimizer.iterations; t++)
    product *= beta1 * (1 - 0.5 * 0.96 ** (0.004 * t));
  return product;
}

/** The slots of every trainable weight, a fresh optimizer's where `optimizer` has none yet. */
function slotsOf(optimizer: Optimizer, weights: readonly LayerWeight[]): Tensor[][] {
  const state = optimizer.getState().slots;
  const fresh = deserializeOptimizer(serializeOptimizer(optimizer));
  fresh.build(weights);
  const initial = fresh.getState().slots;
  return weights.map((w) => state[w.name] ?? initial[w.name] ?? []);
}

/** `optimizer.variables` in Keras's order. */
export function optimizerVariables(
  optimizer: Optimizer,
  weights: readonly LayerWeight[],
): Tensor[] {
  const out: Tensor[] = [scalar(optimizer.iterations, 'int32')];
  if (typeof optimizer.learningRate === 'number') out.push(scalar(optimizer.learningRate));
  const slots = slotsOf(optimizer, weights);
  for (const block of slotBlocks(optimizer, slots[0]?.length ?? 0))
    for (const s of slots) for (const i of block) out.push(s[i] as Tensor);
  if (optimizer.className === 'Nadam') out.push(scalar(nadamProduct(optimizer)));
  return out;
}

/** [weight, slot] of each saved slot variable, in the order `layout` saves them. */
function slotOrder(
  optimizer: Optimizer,
  weightCount: number,
  slotCount: number,
  layout: OptimizerLayout,
): [number, number][] {
  const order: [number, number][] = [];
  const weightIndices = Array.from({ length: weightCount }, (_, w) => w);
  if (layout === 'tf.keras-v2')
    for (let i = 0; i < slotCount; i++) for (const w of weightIndices) order.push([w, i]);
  else
    for (const block of slotBlocks(optimizer, slotCount))
      for (const w of weightIndices) for (const i of block) order.push([w, i]);
  return order;
}

/** How errors name the saved variables: the group, and each variable by position. */
export interface SavedOptimizerNames {
  group: string;
  nameOf: (index: number) => string;
}

const ARCHIVE_NAMES: SavedOptimizerNames = {
  group: OPTIMIZER_VARS,
  nameOf: (i) => `${OPTIMIZER_VARS}/${i}`,
};

/**
 * Checks the saved optimizer variables (`saved`, by position) against what `optimizer` needs for `weights` and
 * returns the function that restores them (nothing is changed before it is called).
 */
export function planOptimizerRestore(
  optimizer: Optimizer,
  weights: readonly LayerWeight[],
  saved: ReadonlyMap<number, H5Array>,
  where: string,
  layout: OptimizerLayout = 'keras3',
  names: SavedOptimizerNames = ARCHIVE_NAMES,
): () => void {
  if (layout !== 'keras3' && !TF_KERAS_OPTIMIZERS.has(optimizer.className))
    throw new LaminaError(
      'unsupported',
      `${where}: the ${layout} optimizer state of ${optimizer.className} is not read (only ${[...TF_KERAS_OPTIMIZERS].join(', ')}); load with { compile: false } and compile anew`,
    );
  const initial = slotsOf(optimizer, weights);
  const slotCount = initial[0]?.length ?? 0;
  const withRate = layout === 'keras3' && typeof optimizer.learningRate === 'number';
  const order = slotOrder(optimizer, weights.length, slotCount, layout);
  const expected: Tensor[] = [scalar(optimizer.iterations, 'int32')];
  if (withRate) expected.push(scalar(optimizer.learningRate as number));
  for (const [w, i] of order) expected.push((initial[w] as Tensor[])[i] as Tensor);
  if (layout === 'keras3' && optimizer.className === 'Nadam') expected.push(scalar(1));
  // An optimizer that never took a step has no slots yet: Keras saves only its iteration count
  // (and learning rate) for a model compiled but not trained. Its slots start fresh.
  const unbuilt = saved.size === (withRate ? 2 : 1) && expected.length > saved.size;
  if (unbuilt) expected.length = saved.size;
  if (saved.size !== expected.length)
    throw new LaminaError(
      'missing-weight',
      `${where}: '${names.group}' holds ${saved.size} variables; ${optimizer.className} needs ${expected.length} for this model (iterations, ${withRate ? 'learning rate, ' : ''}${slotCount} slots of each of ${weights.length} trainable weights${layout === 'keras3' ? '' : `, in the ${layout} order`})`,
    );
  const values = expected.map((want, i) => {
    const got = saved.get(i);
    if (got === undefined || !shapesEqual(got.shape, want.shape))
      throw new LaminaError(
        'weight-shape',
        `${where}: '${names.nameOf(i)}' should have shape [${want.shape.join(',')}], found ${got === undefined ? 'nothing' : `[${got.shape.join(',')}]`}`,
      );
    return tensor(got.values, got.shape, want.dtype === 'int32' ? 'int32' : 'float32');
  });
  const iterations = Number((values[0] as Tensor).dataSync()[0]);
  if (!Number.isSafeInteger(iterations) || iterations < 0)
    throw new LaminaError(
      'invalid-config',
      `${where}: '${names.nameOf(0)}' (iterations) must be a count, found ${iterations}`,
    );
  if (unbuilt && iterations !== 0)
    throw new LaminaError(
      'missing-weight',
      `${where}: '${names.group}' holds no slots but ${iterations} iterations; ${optimizer.className} needs ${expected.length + order.length} variables for this model`,
    );
  const learningRate = withRate ? Number((values[1] as Tensor).dataSync()[0]) : null;
  const first = withRate ? 2 : 1;
  const slots: Record<string, Tensor[]> = {};
  weights.forEach((w, k) => (slots[w.name] = unbuilt ? [...(initial[k] as Tensor[])] : []));
  if (!unbuilt)
    order.forEach(([w, i], k) => {
      (slots[(weights[w] as LayerWeight).name] as Tensor[])[i] = values[first + k] as Tensor;
    });
  return () => {
    if (learningRate !== null) optimizer.learningRate = learningRate;
    optimizer.setState({ iterations, slots });
  };
}
