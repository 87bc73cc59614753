/**
 * The penalty fold. An L1/L2 penalty's gradient, signScale * sign(x) + linearScale * x, is left
 * unevaluated by the `Penalty` rule (a `PenaltyGradTerm`), so that backpropagation adds it to the
 * tensor's other gradient in one pass (`PenaltyGradAdd`) instead of computing it and then adding
 * it; and a node that can fold the term into the gradient it computes anyway (a Dense kernel's
 * product, `WeightGradPenalty`) registers a `PenaltyFold`, which backpropagation runs instead of
 * the node's rule. A penalized kernel's gradient then costs no pass over the kernel beyond the
 * product (W1 with kernel and activity penalties: 9.7-11.4% slower than without them without the
 * fold, 6.3-6.4% with it). Rules themselves never see pending terms.
 */
import { zeros } from '../../ops/creation.js';
import { penaltyGradAdd } from '../../ops/fused.js';
import type { RecordedName } from '../../engine/engine.js';
import type { Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DeferredGrad, GradContext } from './types.js';

/** A gradient contribution signScale * sign(x) + linearScale * x, not yet evaluated. */
export class PenaltyGradTerm implements DeferredGrad {
  constructor(
    readonly x: Tensor,
    /** The L1 part's factor (l1 times the upstream gradient). */
    readonly signScale: number,
    /** The L2 part's factor (2 * l2 times the upstream gradient). */
    readonly linearScale: number,
  ) {}

  get shape(): Shape {
    return this.x.shape;
  }

  /** g + this, in one pass. */
  addTo(g: Tensor): Tensor {
    return penaltyGradAdd(g, this.x, this.signScale, this.linearScale);
  }

  /** This contribution on its own (when no other gradient reaches x). */
  materialize(): Tensor {
    return this.addTo(zeros(this.x.shape));
  }
}

/**
 * A node's gradients with the pending term of input `input` folded into that input's gradient
 * (which then replaces the term instead of being added to it).
 */
export interface PenaltyFold<P extends RecordedName> {
  readonly input: number;
  readonly rule: (
    ctx: GradContext<P>,
    term: PenaltyGradTerm,
  ) => readonly (Tensor | DeferredGrad | null)[];
}

export type PenaltyFoldTable = { readonly [P in RecordedName]?: PenaltyFold<P> };
