import type { RecordedAttrs, RecordedInputs, RecordedName } from '../../engine/engine.js';
import type { Tensor } from '../../tensor/tensor.js';
import { reshape } from '../../ops/movement.js';
import { sum } from '../../ops/reduction.js';
import { shapesEqual, type Shape } from '../../tensor/shape.js';
import type { PenaltyGradTerm } from './term.js';

/** What a gradient rule sees of one recorded node. */
export interface GradContext<P extends RecordedName> {
  /** dL/d(output). */
  readonly dy: Tensor;
  readonly inputs: RecordedInputs<P>;
  readonly attrs: RecordedAttrs<P>;
  readonly output: Tensor;
  /**
   * Whether input k wants a gradient at all, so that costly rules can skip the others (a
   * network's input data).
   */
  readonly needs: readonly boolean[];
}

/**
 * The gradient of one recorded kernel: dL/d(input) for each input in order (null where no
 * gradient flows, e.g. integer indices), or a deferred penalty term that backpropagation adds to
 * the input's other gradients in one pass.
 */
export type GradFn<P extends RecordedName> = (
  ctx: GradContext<P>,
) => readonly (Tensor | PenaltyGradTerm | null)[];

export type GradTable<Names extends RecordedName> = { readonly [P in Names]: GradFn<P> };

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
