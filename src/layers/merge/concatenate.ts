import { concat } from '../../ops/movement.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import type { LayerArgs, LayerTensors } from '../base/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import { MultiInputLayer } from './base.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along, counting the batch axis. Defaults to -1. */
  axis?: number;
}

/** Joins a list of inputs along `axis`; every other dimension must match. */
export class Concatenate extends MultiInputLayer {
  static override className = 'Concatenate';
  static override readonly argKeys: readonly string[] = layerArgKeys<ConcatenateArgs>({
    axis: true,
  });
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (typeof axis !== 'number' || !Number.isInteger(axis)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${this.where}: Invalid value for argument axis: expected an integer. Received: axis=${showValue(axis)}`,
      );
    }
    this.axis = axis;
  }

  /** Checks ranks and non-axis dimensions; returns the output shape. */
  private mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    const all = `[${shapes.map(formatSymbolicShape).join(', ')}]`;
    const rank = (shapes[0] as SymbolicShape).length;
    if (shapes.some((s) => s.length !== rank)) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: A \`Concatenate\` layer requires inputs of the same rank. Received: input_shape=${all}`,
      );
    }
    if (this.axis < -rank || this.axis >= rank) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: Invalid axis ${this.axis} for inputs of rank ${rank}. Received: input_shape=${all}`,
      );
    }
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const out: (number | null)[] = [];
    for (let d = 0; d < rank; d++) {
      const dims = shapes.map((s) => s[d] as number | null);
      if (d === axis) {
        out.push(
          dims.some((x) => x === null)
            ? null
            : dims.reduce((p, q) => (p as number) + (q as number), 0),
        );
        continue;
      }
      const known = [...new Set(dims.filter((x): x is number => x !== null))];
      if (known.length > 1) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${this.where}: A \`Concatenate\` layer requires inputs with matching shapes except for the concatenation axis (${this.axis}). Received: input_shape=${all}`,
        );
      }
      out.push(known[0] ?? null);
    }
    return out;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.mergedShape(this.shapeList(inputShape));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return this.mergedShape(this.shapeList(inputShape));
  }

  call(inputs: LayerTensors): Tensor {
    const xs = this.tensorList(inputs);
    this.mergedShape(xs.map((x) => x.shape));
    const rank = (xs[0] as Tensor).rank;
    return concat(xs, this.axis < 0 ? this.axis + rank : this.axis);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: this.axis };
  }
}
registerLayer(Concatenate);
