/**
 * The relu-pool fold. Max pooling's gradient is left unevaluated by the `MaxPool` rule (a
 * `MaxPoolGradTerm`), so that when the pooled tensor is a relu's output (a relu-activated
 * `Conv2DBiasActivation`, `BiasActivation`, or `Relu` itself) backpropagation computes relu's
 * gradient and max pooling's in one kernel (`MaxPoolReluGrad`: a window's gradient goes to its
 * chosen element only where that element is > 0) instead of `MaxPoolGrad` and then `ReluGrad`, a
 * second pass over the full-resolution activation and one more output of its size. The values
 * are the same bits: ReluGrad keeps a sum where the element is > 0 and writes 0 elsewhere, and
 * the fused kernel forms the same sums only there.
 */
import { runKernel, type RecordedName } from '../../engine/engine.js';
import type { PoolAttrs } from '../../backend/kernels.js';
import { add } from '../../ops/elementwise.js';
import type { Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DeferredGrad, GradContext } from './types.js';

/** Max pooling's gradient with respect to its input `x`, not yet evaluated. */
export class MaxPoolGradTerm implements DeferredGrad {
  constructor(
    readonly x: Tensor,
    readonly dy: Tensor,
    readonly attrs: PoolAttrs,
  ) {}

  get shape(): Shape {
    return this.x.shape;
  }

  addTo(g: Tensor): Tensor {
    return add(g, this.materialize());
  }

  materialize(): Tensor {
    return runKernel('MaxPoolGrad', [this.x, this.dy], this.attrs, {
      shape: this.x.shape,
      dtype: 'float32',
    });
  }

  /**
   * The gradient at the input of the relu whose output `x` is: ReluGrad(this, x), in one pass.
   * Transient (`OutputInfo`): the caller releases it once the node's rule has read it.
   */
  throughRelu(): Tensor {
    return runKernel('MaxPoolReluGrad', [this.x, this.dy], this.attrs, {
      shape: this.x.shape,
      dtype: 'float32',
      transient: true,
    });
  }
}

/**
 * How a node whose output is a relu's takes its gradients from dz, the gradient at the relu's
 * input, instead of from dy at its output; `applies` says whether this node's output is a relu's
 * (a fused layer kernel's activation is an attribute).
 */
export interface ReluFold<P extends RecordedName> {
  readonly applies: (attrs: GradContext<P>['attrs']) => boolean;
  readonly rule: (
    ctx: Omit<GradContext<P>, 'dy'>,
    dz: Tensor,
  ) => readonly (Tensor | DeferredGrad | null)[];
}

export type ReluFoldTable = { readonly [P in RecordedName]?: ReluFold<P> };
