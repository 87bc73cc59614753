/**
 * The optimizer state as Keras 3 saves it: `optimizer/vars/<i>` holds `optimizer.variables`, that
 * is the iteration count, the learning rate (unless it is a schedule), then the slots of every
 * trainable variable in `model.trainable_variables` order. Slots built together are interleaved
 * per variable (Adam: momentum and velocity of the first variable, then of the second...); those
 * Keras builds in a separate call (RMSprop's, Adam's amsgrad `velocity_hat`) follow as blocks.
 * Nadam ends with its running product of momentum factors.
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

/**
 * Checks the saved `optimizer/vars/<i>` against what `optimizer` needs for `weights` and returns
 * the function that restores them (nothing is changed before it is called).
 */
export function planOptimizerRestore(
  optimizer: Optimizer,
  weights: readonly LayerWeight[],
  saved: ReadonlyMap<number, H5Array>,
  where: string,
): () => void {
  const expected = optimizerVariables(optimizer, weights);
  if (saved.size !== expected.length)
    throw new LaminaError(
      'missing-weight',
      `${where}: '${OPTIMIZER_VARS}' holds ${saved.size} variables; ${optimizer.className} needs ${expected.length} for this model (iterations, ${typeof optimizer.learningRate === 'number' ? 'learning rate, ' : ''}slots of ${weights.length} trainable weights)`,
    );
  const values = expected.map((want, i) => {
    const got = saved.get(i);
    if (got === undefined || !shapesEqual(got.shape, want.shape))
      throw new LaminaError(
        'weight-shape',
        `${where}: '${OPTIMIZER_VARS}/${i}' should have shape [${want.shape.join(',')}], found ${got === undefined ? 'nothing' : `[${got.shape.join(',')}]`}`,
      );
    return tensor(got.values, got.shape, want.dtype === 'int32' ? 'int32' : 'float32');
  });
  const iterations = Number((values[0] as Tensor).dataSync()[0]);
  if (!Number.isSafeInteger(iterations) || iterations < 0)
    throw new LaminaError(
      'invalid-config',
      `${where}: '${OPTIMIZER_VARS}/0' (iterations) must be a count, found ${iterations}`,
    );
  let k = 1;
  const learningRate =
    typeof optimizer.learningRate === 'number'
      ? Number((values[k++] as Tensor).dataSync()[0])
      : null;
  const slotCount = slotsOf(optimizer, weights)[0]?.length ?? 0;
  const slots: Record<string, Tensor[]> = {};
  for (const w of weights) slots[w.name] = [];
  for (const block of slotBlocks(optimizer, slotCount))
    for (const w of weights)
      for (const i of block) (slots[w.name] as Tensor[])[i] = values[k++] as Tensor;
  return () => {
    if (learningRate !== null) optimizer.learningRate = learningRate;
    optimizer.setState({ iterations, slots });
  };
}
