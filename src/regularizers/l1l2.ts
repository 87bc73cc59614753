import { abs, add, mul, square } from '../ops/elementwise.js';
import { sum } from '../ops/reduction.js';
import { scalar } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFactor, Regularizer } from './regularizer.js';

/** l1 * sum(|x|). The derivative of |x| at 0 is 0: a zero weight is pushed nowhere. */
export class L1 extends Regularizer {
  readonly className = 'L1';
  readonly l1: number;
  constructor(l1 = 0.01) {
    super();
    this.l1 = checkFactor(l1, 'l1', 'L1');
  }
  apply(x: Tensor): Tensor {
    return mul(sum(abs(x)), this.l1);
  }
  getConfig(): { l1: number } {
    return { l1: this.l1 };
  }
}

/** l2 * sum(x^2) (no factor 1/2, as in Keras). */
export class L2 extends Regularizer {
  readonly className = 'L2';
  readonly l2: number;
  constructor(l2 = 0.01) {
    super();
    this.l2 = checkFactor(l2, 'l2', 'L2');
  }
  apply(x: Tensor): Tensor {
    return mul(sum(square(x)), this.l2);
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
  constructor(l1 = 0, l2 = 0) {
    super();
    this.l1 = checkFactor(l1, 'l1', 'L1L2');
    this.l2 = checkFactor(l2, 'l2', 'L1L2');
  }
  apply(x: Tensor): Tensor {
    let total: Tensor = scalar(0);
    if (this.l1 > 0) total = add(total, mul(sum(abs(x)), this.l1));
    if (this.l2 > 0) total = add(total, mul(sum(square(x)), this.l2));
    return total;
  }
  getConfig(): { l1: number; l2: number } {
    return { l1: this.l1, l2: this.l2 };
  }
}
