import { argMax } from '../ops/reduction.js';
import { tensor } from '../ops/convert.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

/** Weight per class index, as Keras's `class_weight`. */
export type ClassWeight = Readonly<Record<number, number>>;

/**
 * The per-sample weights of a batch or dataset: `sampleWeight` ([n]) times the class weight of
 * each sample's label (the argmax of one-hot targets, or the label itself for sparse and binary
 * targets). Validated: one weight per sample, every label has a class weight.
 */
export function sampleWeights(
  sampleWeight: Tensor | undefined,
  classWeight: ClassWeight | undefined,
  ys: readonly Tensor[],
  n: number,
  where: string,
): Tensor | undefined {
  if (sampleWeight !== undefined) {
    if (
      sampleWeight.rank !== 1 ||
      sampleWeight.shape[0] !== n ||
      sampleWeight.dtype !== 'float32'
    ) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: sampleWeight must be a float32 tensor of shape [${n}] (one weight per sample), received ${sampleWeight.dtype} ${formatShape(sampleWeight.shape)}`,
      );
    }
  }
  if (classWeight === undefined) return sampleWeight;
  if (ys.length !== 1)
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: classWeight is supported for single-output models only`,
    );
  const y = ys[0] as Tensor;
  const labels =
    y.rank >= 2 && (y.shape[y.rank - 1] as number) > 1 ? argMax(y, -1).dataSync() : y.dataSync();
  const base = sampleWeight?.dataSync();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = Math.round(labels[i] as number);
    const w = classWeight[label];
    if (w === undefined) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: classWeight has no weight for class ${label} (classes given: ${Object.keys(classWeight).join(', ')})`,
      );
    }
    out[i] = w * ((base?.[i] as number | undefined) ?? 1);
  }
  return tensor(out, [n]);
}
