import { add } from '../ops/elementwise.js';
import { axpby } from '../ops/fused.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { checkHyper, Optimizer, ownOptionKeys, type OptimizerOptions } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  /** In [0, 1]; 0 (the default) is plain gradient descent. */
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Gradient descent, with momentum (Keras 3): m = momentum * m - lr * g; w += m, or with
 * Nesterov momentum w += momentum * m - lr * g. Without momentum, w -= lr * g.
 * Defaults: learningRate 0.01, momentum 0, nesterov false. The products and sums run as fused
 * `axpby` kernels (`ops/fused.ts`), with the same float32 roundings as the separate ops.
 */
export class SGD extends Optimizer {
  static override readonly optionKeys = ownOptionKeys<SGDOptions>({
    momentum: true,
    nesterov: true,
  });
  readonly className: string = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(options: SGDOptions = {}) {
    super(options, 0.01, 'SGD');
    this.momentum = checkHyper(options.momentum ?? 0, 'momentum', 'SGD', 1);
    this.nesterov = options.nesterov ?? false;
  }
  protected slotNames(): string[] {
    return this.momentum !== 0 ? ['momentum'] : [];
  }
  protected updateStep(g: Tensor, v: Variable, slots: Tensor[], lr: number): void {
    if (this.momentum === 0) {
      v.assign(axpby(v, g, 1, -lr));
      return;
    }
    const m = axpby(slots[0] as Tensor, g, this.momentum, -lr);
    slots[0] = m;
    v.assign(add(v, this.nesterov ? axpby(m, g, this.momentum, -lr) : m));
  }
  protected ownConfig(): JsonObject {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}
