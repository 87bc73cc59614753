import { eye } from '../ops/creation.js';
import { abs, div, maximum, mul, sqrt, square, sub } from '../ops/elementwise.js';
import { matMul } from '../ops/linalg.js';
import { sum } from '../ops/reduction.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFactor, Regularizer } from './regularizer.js';
import { LaminaRangeError } from '../errors.js';

export type OrthogonalMode = 'rows' | 'columns';

/**
 * Encourages the rows (or columns) of a rank-2 weight to be orthogonal: factor times the mean,
 * over distinct pairs, of |cosine| between L2-normalized rows (columns).
 */
export class OrthogonalRegularizer extends Regularizer {
  readonly className = 'OrthogonalRegularizer';
  readonly factor: number;
  readonly mode: OrthogonalMode;
  constructor(factor = 0.01, mode: OrthogonalMode = 'rows') {
    super();
    this.factor = checkFactor(factor, 'factor', 'OrthogonalRegularizer');
    if (mode !== 'rows' && mode !== 'columns') {
      throw new LaminaRangeError(
        'invalid-argument',
        `OrthogonalRegularizer: Invalid value for argument mode: expected 'rows' or 'columns'. Received: mode=${String(mode)}`,
      );
    }
    this.mode = mode;
  }
  apply(x: Tensor): Tensor {
    if (x.rank !== 2) {
      throw new LaminaRangeError(
        'invalid-argument',
        `OrthogonalRegularizer: inputs must have rank 2, received shape ${formatShape(x.shape)}`,
      );
    }
    const axis = this.mode === 'rows' ? 1 : 0;
    const normalized = div(x, sqrt(maximum(sum(square(x), axis, true), 1e-12)));
    const product =
      this.mode === 'rows'
        ? matMul(normalized, normalized, false, true)
        : matMul(normalized, normalized, true, false);
    const size = product.shape[0] as number;
    const offDiagonal = mul(product, sub(1, eye(size)));
    const pairs = (size * (size - 1)) / 2;
    return div(mul(sum(abs(offDiagonal)), 0.5 * this.factor), pairs);
  }
  getConfig(): { factor: number; mode: OrthogonalMode } {
    return { factor: this.factor, mode: this.mode };
  }
}
