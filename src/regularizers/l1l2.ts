import { penalty as fusedPenalty } from '../ops/fused.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFactor, Regularizer } from './regularizer.js';

/**
 * factor * sum(|x|) + ... as one kernel (`Penalty`), whose gradient rule adds
 * l1 sign(x) + 2 l2 x to x's data gradient in the same pass (penalties are read every training
 * step, on every kernel: differentiating through abs, square, sum and mul would take four
 * passes forward and three more backward).
 */
function penalty(l1: number, l2: number): (x: Tensor) => Tensor {
  return (x) => fusedPenalty(x, l1, l2);
}

/** l1 * sum(|x|). The derivative of |x| at 0 is 0: a zero weight is pushed nowhere. */
export class L1 extends Regularizer {
  readonly className = 'L1';
  readonly l1: number;
  private readonly fn: (x: Tensor) => Tensor;
  constructor(l1 = 0.01) {
    super();
    this.l1 = checkFactor(l1, 'l1', 'L1');
    this.fn = penalty(this.l1, 0);
  }
  apply(x: Tensor): Tensor {
    return this.fn(x);
  }
  getConfig(): { l1: number } {
    return { l1: this.l1 };
  }
}

/** l2 * sum(x^2) (no factor 1/2, as in Keras). */
export class L2 extends Regularizer {
  readonly className = 'L2';
  readonly l2: number;
  private readonly fn: (x: Tensor) => Tensor;
  constructor(l2 = 0.01) {
    super();
    this.l2 = checkFactor(l2, 'l2', 'L2');
    this.fn = penalty(0, this.l2);
  }
  apply(x: Tensor): Tensor {
    return this.fn(x);
  }
  getConfig(): { l2: number } {
    return { l2: this.l2 };
  }
}

/** l1 * sum(|x|) + l2 * sum(x^2); both factors default to 0, as in Keras 3. */
export class L1L2 extends Regularizer {
  readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;
  private readonly fn: (x: Tensor) => Tensor;
  constructor(l1 = 0, l2 = 0) {
    super();
    this.l1 = checkFactor(l1, 'l1', 'L1L2');
    this.l2 = checkFactor(l2, 'l2', 'L1L2');
    this.fn = penalty(this.l1, this.l2);
  }
  apply(x: Tensor): Tensor {
    return this.fn(x);
  }
  getConfig(): { l1: number; l2: number } {
    return { l1: this.l1, l2: this.l2 };
  }
}
