import { zeros } from '../../ops/creation.js';
import { penaltyGradAdd } from '../../ops/fused.js';
import type { Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * A gradient contribution a * sign(x) + b * x (an L1/L2 penalty's), left unevaluated by its rule
 * so that backpropagation adds it to the tensor's other gradient in one pass (`PenaltyGradAdd`)
 * instead of computing it and then adding it: a penalized kernel's gradient costs one pass over
 * the kernel, not three.
 */
export class PenaltyGradTerm {
  constructor(
    readonly x: Tensor,
    readonly a: number,
    readonly b: number,
  ) {}

  get shape(): Shape {
    return this.x.shape;
  }

  /** g + this, in one pass. */
  addTo(g: Tensor): Tensor {
    return penaltyGradAdd(g, this.x, this.a, this.b);
  }

  /** This contribution on its own (when no other gradient reaches x). */
  materialize(): Tensor {
    return this.addTo(zeros(this.x.shape));
  }
}

/**
 * A rule's gradient for an input that already includes the input's pending term (passed to the
 * rule in `pending`): backpropagation replaces the term with it instead of adding it.
 */
export class Absorbed {
  constructor(
    readonly tensor: Tensor,
    readonly term: PenaltyGradTerm,
  ) {}

  get shape(): Shape {
    return this.tensor.shape;
  }
}

/** What a gradient rule returns for one input: a tensor, a deferred term, or null (none). */
export type GradContribution = Tensor | PenaltyGradTerm | Absorbed;
