import {
  releaseTransient,
  type RecordedAttrs,
  type RecordedInputs,
  type RecordedName,
} from '../../engine/engine.js';
import { Tensor } from '../../tensor/tensor.js';
import { reshape } from '../../ops/movement.js';
import { sum } from '../../ops/reduction.js';
import { shapesEqual, type Shape } from '../../tensor/shape.js';

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
 * A gradient contribution left unevaluated, so that the node that consumes it can fold it into
 * work it does anyway: an L1/L2 penalty's gradient (`./term.ts`), max pooling's gradient before a
 * relu (`./relu-pool.ts`). Where no fold applies it is added to the tensor's other gradients or
 * evaluated on its own.
 */
export interface DeferredGrad {
  /** The tensor whose gradient this is a part of. */
  readonly x: Tensor;
  readonly shape: Shape;
  /** g + this (in one pass where the term allows it). */
  addTo(g: Tensor): Tensor;
  /** This contribution on its own (when no other gradient reaches x). */
  materialize(): Tensor;
}

/**
 * The gradient of one recorded kernel: dL/d(input) for each input in order (null where no
 * gradient flows, e.g. integer indices), or a deferred term (`DeferredGrad`) that backpropagation
 * folds into the consuming node's gradient or adds to the input's other gradients.
 */
export type GradFn<P extends RecordedName> = (
  ctx: GradContext<P>,
) => readonly (Tensor | DeferredGrad | null)[];

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

/**
 * Releases `t`, a transient output (`OutputInfo.transient`) that a rule made and read, once the
 * rule's gradients are computed, unless one of them is `t` itself or shares its storage (a view).
 */
export function releaseUnlessReturned(
  t: Tensor,
  grads: readonly (Tensor | DeferredGrad | null)[],
): void {
  if (grads.every((g) => g === null || (g instanceof Tensor && g.storage !== t.storage)))
    releaseTransient(t);
}
