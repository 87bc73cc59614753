import type { PrimitiveAttrs, PrimitiveInputs, PrimitiveName } from '../../engine/engine.js';
import type { Tensor } from '../../tensor/tensor.js';
import { reshape } from '../../ops/movement.js';
import { sum } from '../../ops/reduction.js';
import { shapesEqual, type Shape } from '../../tensor/shape.js';
import type { GradContribution, PenaltyGradTerm } from './term.js';

/**
 * The gradient of one primitive: given dL/dy and what the forward pass saw, dL/d(input) for each
 * input in order (null where no gradient flows, e.g. integer indices), or a deferred term that
 * backpropagation adds to the input's other gradients in one pass (or, given the input's pending
 * term, the gradient with that term folded in, as `Absorbed`). `needs[k]` says whether
 * input k wants a gradient at all, so costly rules can skip the others (a network's input data).
 */
export type GradFn<P extends PrimitiveName> = (
  dy: Tensor,
  inputs: PrimitiveInputs<P>,
  attrs: PrimitiveAttrs<P>,
  y: Tensor,
  needs: readonly boolean[],
  /**
   * The deferred penalty term each input has so far (undefined: none): a rule may fold it into
   * that input's gradient and return it wrapped in `Absorbed`.
   */
  pending: readonly (PenaltyGradTerm | undefined)[],
) => readonly (GradContribution | null)[];

export type GradTable<Names extends PrimitiveName> = { readonly [P in Names]: GradFn<P> };

/** Sums a broadcast gradient back down to the shape of the input it came from. */
export function sumToShape(dy: Tensor, shape: Shape): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  return reshape(axes.length > 0 ? sum(dy, axes) : dy, shape);
}
