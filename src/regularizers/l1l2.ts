import { customGrad } from '../autograd/grad.js';
import { abs, add, mul, sign, square } from '../ops/elementwise.js';
import { sum } from '../ops/reduction.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFactor, Regularizer } from './regularizer.js';

/**
 * factor * sum(|x|) + ... as one recorded step with a hand-written gradient: differentiating
 * through sum would first broadcast the scalar gradient to x's shape, then multiply twice; the
 * rule below is one pass over x (penalties are read every training step, on every kernel).
 */
function penalty(l1: number, l2: number): (x: Tensor) => Tensor {
  return customGrad((x: Tensor) => {
    let value: Tensor | null = null;
    if (l1 > 0) value = mul(sum(abs(x)), l1);
    if (l2 > 0) {
      const v = mul(sum(square(x)), l2);
      value = value === null ? v : add(value, v);
    }
    return {
      value: value ?? mul(sum(x), 0),
      // d/dx (l1 |x| + l2 x^2) = l1 sign(x) + 2 l2 x; sign(0) = 0, so L1 never pushes a zero weight.
      gradFunc: (dy: Tensor) => {
        const s = dy.dataSync()[0] as number;
        if (l1 > 0 && l2 > 0) return add(mul(sign(x), s * l1), mul(x, 2 * s * l2));
        if (l1 > 0) return mul(sign(x), s * l1);
        return mul(x, 2 * s * l2);
      },
    };
  });
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
