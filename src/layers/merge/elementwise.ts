/** Elementwise merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum. */
import { add, div, maximum, minimum, mul, sub } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import type { LayerArgs } from '../base/layer.js';
import { ElementwiseMerge } from './base.js';
import { layerArgKeys } from '../base/arg-keys.js';

const fold = (xs: Tensor[], f: (a: Tensor, b: Tensor) => Tensor): Tensor =>
  xs.slice(1).reduce(f, xs[0] as Tensor);

/** The elementwise merges take only the options every layer takes. */
const MERGE_ARG_KEYS = layerArgKeys<LayerArgs>({});

/** Sum of a list of inputs (2 or more, same shape up to broadcasting). */
export class Add extends ElementwiseMerge {
  static override className = 'Add';
  static override readonly argKeys: readonly string[] = MERGE_ARG_KEYS;
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, add);
  }
}
registerLayer(Add);

/** inputs[0] - inputs[1]: exactly 2 inputs. */
export class Subtract extends ElementwiseMerge {
  static override className = 'Subtract';
  static override readonly argKeys: readonly string[] = MERGE_ARG_KEYS;
  protected override inputCount: readonly [number, number] = [2, 2];
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return sub(xs[0] as Tensor, xs[1] as Tensor);
  }
}
registerLayer(Subtract);

/** Elementwise product of a list of inputs. */
export class Multiply extends ElementwiseMerge {
  static override className = 'Multiply';
  static override readonly argKeys: readonly string[] = MERGE_ARG_KEYS;
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, mul);
  }
}
registerLayer(Multiply);

/** Elementwise mean of a list of inputs. */
export class Average extends ElementwiseMerge {
  static override className = 'Average';
  static override readonly argKeys: readonly string[] = MERGE_ARG_KEYS;
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return div(fold(xs, add), xs.length);
  }
}
registerLayer(Average);

/** Elementwise maximum of a list of inputs. */
export class Maximum extends ElementwiseMerge {
  static override className = 'Maximum';
  static override readonly argKeys: readonly string[] = MERGE_ARG_KEYS;
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, maximum);
  }
}
registerLayer(Maximum);

/** Elementwise minimum of a list of inputs. */
export class Minimum extends ElementwiseMerge {
  static override className = 'Minimum';
  static override readonly argKeys: readonly string[] = MERGE_ARG_KEYS;
  constructor(args: LayerArgs = {}) {
    super(args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, minimum);
  }
}
registerLayer(Minimum);
