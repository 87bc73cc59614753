/**
 * Refusal of non-finite training data. An Infinity or NaN in `x`, `y` or the sample weights turns
 * every weight it touches into NaN within a step or two, and training then ends with garbage and
 * no word; so fit, evaluate, trainOnBatch and every batch of a data source are checked before the
 * step, once per value. NaN that training itself produces (a diverging loss) is left to
 * TerminateOnNaN, as in Keras.
 */
import { LaminaError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ClassWeight } from './sample-weights.js';
import { showJson } from '../validation/options.js';

/** The flat index of the first Infinity or NaN in `values`, or -1. */
function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    // v - v is 0 for every finite v, NaN for NaN and the infinities: one subtraction per value.
    const v = values[i] as number;
    if (v - v !== 0) return i;
  }
  return -1;
}

/**
 * Throws a LaminaError ('non-finite') when the float32 tensor `t` holds an Infinity or a NaN,
 * naming it (`label`, e.g. "x['image']" or "sampleWeight") and the first bad flat index and
 * value. Integer and boolean tensors cannot hold either and are not read.
 */
export function checkFinite(t: Tensor, label: string, where: string): void {
  if (t.dtype !== 'float32') return;
  const values = t.dataSync() as Float32Array;
  const i = firstNonFinite(values);
  if (i < 0) return;
  throw new LaminaError(
    'non-finite',
    `${where}: ${label} holds ${String(values[i])} at flat index ${i} (shape [${t.shape.join(', ')}]); training data must be finite numbers`,
  );
}

/** The label of the `i`-th of `names` in messages: `x` for a single input, else `x['name']`. */
export function dataLabel(arg: string, names: readonly string[], i: number): string {
  return names.length === 1 ? arg : `${arg}['${names[i] ?? i}']`;
}

/** Class weights must be finite numbers: a NaN weight makes every loss it scales NaN. */
export function checkClassWeight(classWeight: ClassWeight, where: string): void {
  if (typeof classWeight !== 'object' || classWeight === null) {
    throw new LaminaError(
      'invalid-config',
      `${where}: classWeight must be an object of { classIndex: weight }, received ${String(classWeight)}`,
    );
  }
  for (const [k, w] of Object.entries(classWeight)) {
    if (typeof w !== 'number') {
      throw new LaminaError(
        'invalid-config',
        `${where}: classWeight[${k}] must be a number, received ${typeof w} ${showJson(w)}`,
      );
    }
    if (!Number.isFinite(w)) {
      throw new LaminaError(
        'non-finite',
        `${where}: classWeight[${k}] must be a finite number, received ${String(w)}`,
      );
    }
  }
}
