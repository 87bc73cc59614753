import { div, maximum } from '../../ops/elementwise.js';
import { matMul } from '../../ops/linalg.js';
import { reshape, transpose } from '../../ops/movement.js';
import { norm } from '../../ops/reduction.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import type { LayerArgs, LayerTensors } from '../base/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import { MultiInputLayer } from './base.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue, showJson } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

export interface DotArgs extends LayerArgs {
  /** The axis to contract in both inputs, or one per input; counts the batch axis (not 0). */
  axes: number | readonly [number, number];
  /** L2-normalize both inputs along the contracted axes first (cosine similarity). */
  normalize?: boolean;
}

/** Keras's lower bound on the norm when normalizing (backend.epsilon()). */
const NORM_EPSILON = 1e-7;

/**
 * Batched dot product of two inputs along `axes` (Keras `batch_dot`): [b, n] . [b, n] -> [b, 1];
 * [b, n, k] . [b, k, m] with axes [2, 1] -> [b, n, m]. The output shape is the first input's
 * shape without its contracted axis, followed by the second's without batch and contracted
 * axes (with a trailing 1 if only the batch axis is left).
 */
export class Dot extends MultiInputLayer {
  static override className = 'Dot';
  static override readonly argKeys: readonly string[] = layerArgKeys<DotArgs>({
    axes: true,
    normalize: true,
  });
  readonly axes: number | [number, number];
  readonly normalize: boolean;
  protected override inputCount: readonly [number, number] = [2, 2];

  constructor(args: DotArgs) {
    super(args);
    const axes: unknown = args.axes;
    const isInt = (a: unknown): a is number => typeof a === 'number' && Number.isInteger(a);
    if (isInt(axes)) this.axes = axes;
    else if (Array.isArray(axes) && axes.length === 2 && axes.every(isInt)) {
      this.axes = [axes[0] as number, axes[1] as number];
    } else {
      throw new LaminaTypeError(
        'invalid-argument',
        `${this.where}: Invalid value for argument axes: expected an integer or a list of two integers. Received: axes=${showJson(axes)}`,
      );
    }
    if (args.normalize !== undefined && typeof args.normalize !== 'boolean') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${this.where}: Invalid value for argument normalize: expected a boolean. Received: normalize=${showValue(args.normalize)}`,
      );
    }
    this.normalize = args.normalize ?? false;
  }

  /** The contracted axes (non-negative) for inputs of these ranks; checks the shapes. */
  private resolve(s1: SymbolicShape, s2: SymbolicShape): [number, number] {
    const shapes = `${formatSymbolicShape(s1)} and ${formatSymbolicShape(s2)}`;
    if (s1.length < 2 || s2.length < 2) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: both inputs need rank >= 2 (batch and features). Received shapes ${shapes}`,
      );
    }
    const pick = (a: number, rank: number): number => {
      if (a < -rank || a >= rank) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${this.where}: axis ${a} is out of range for rank ${rank}. Received shapes ${shapes}`,
        );
      }
      return a < 0 ? a + rank : a;
    };
    const [a1, a2] = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const axes: [number, number] = [pick(a1, s1.length), pick(a2, s2.length)];
    if (axes[0] === 0 || axes[1] === 0) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: Cannot perform batch_dot over axis 0 (the batch axis). Received axes=${showJson(this.axes)} for shapes ${shapes}`,
      );
    }
    const d1 = s1[axes[0]] ?? null;
    const d2 = s2[axes[1]] ?? null;
    if (d1 !== null && d2 !== null && d1 !== d2) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: Incompatible input shapes: axis values ${d1} (at axis ${axes[0]}) != ${d2} (at axis ${axes[1]}). Full input shapes: ${shapes}`,
      );
    }
    const b1 = s1[0] ?? null;
    const b2 = s2[0] ?? null;
    if (b1 !== null && b2 !== null && b1 !== b2) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: Cannot merge tensors with different batch sizes. Received shapes ${shapes}`,
      );
    }
    return axes;
  }

  private mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    const [s1, s2] = shapes as [SymbolicShape, SymbolicShape];
    const [a1, a2] = this.resolve(s1, s2);
    const out = [
      s1[0] ?? s2[0] ?? null,
      ...s1.filter((_, i) => i !== 0 && i !== a1),
      ...s2.filter((_, i) => i !== 0 && i !== a2),
    ];
    return out.length === 1 ? [...out, 1] : out;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.mergedShape(this.shapeList(inputShape));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return this.mergedShape(this.shapeList(inputShape));
  }

  call(inputs: LayerTensors): Tensor {
    let [x, y] = this.tensorList(inputs) as [Tensor, Tensor];
    const outShape = this.mergedShape([x.shape, y.shape]) as number[];
    const [a1, a2] = this.resolve(x.shape, y.shape);
    if (this.normalize) {
      x = div(x, maximum(norm(x, 'euclidean', a1, true), NORM_EPSILON));
      y = div(y, maximum(norm(y, 'euclidean', a2, true), NORM_EPSILON));
    }
    const batch = x.shape[0] as number;
    const k = x.shape[a1] as number;
    // x -> [batch, rest1, k] and y -> [batch, k, rest2], then one batched matMul.
    const rest = (t: Tensor, a: number): number[] =>
      t.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a);
    const r1 = rest(x, a1);
    const r2 = rest(y, a2);
    const size = (t: Tensor, dims: number[]): number =>
      dims.reduce((p, i) => p * (t.shape[i] as number), 1);
    const moved = (t: Tensor, perm: number[]): Tensor =>
      perm.every((p, i) => p === i) ? t : transpose(t, perm);
    const x3 = reshape(moved(x, [0, ...r1, a1]), [batch, size(x, r1), k]);
    const y3 = reshape(moved(y, [0, a2, ...r2]), [batch, k, size(y, r2)]);
    return reshape(matMul(x3, y3), outShape);
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      axes: typeof this.axes === 'number' ? this.axes : [...this.axes],
      normalize: this.normalize,
    };
  }
}
registerLayer(Dot);
