/** Global average and max pooling (channels last), after Keras 3's BaseGlobalPooling. */
import { cast, div, mul } from '../../ops/elementwise.js';
import { expandDims } from '../../ops/movement.js';
import { max, mean, sum } from '../../ops/reduction.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type CallOptions, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { checkTimestepMask, firstMask } from '../base/masking.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import { checkRank, singleInput } from '../base/args.js';
import {
  checkDataFormat,
  type DataFormat,
  fromChannelsLast,
  shapeFromChannelsLast,
  shapeToChannelsLast,
  toChannelsLast,
} from '../conv/util.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { showValue, showJson } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

export interface GlobalPoolingArgs extends LayerArgs {
  /** 'channels_last' (default) or 'channels_first' (run as channels-last between two transposes). */
  dataFormat?: DataFormat | null;
  /**
   * Keep the pooled dimensions with size 1 ([batch, 1, 1, channels] instead of
   * [batch, channels]). Default false. The Keras 3 name.
   */
  keepdims?: boolean;
  /** Alias of `keepdims` (TensorFlow.js spelling); give one or the other. */
  keepDims?: boolean;
}

const GLOBAL_POOLING_ARG_KEYS = layerArgKeys<GlobalPoolingArgs>({
  dataFormat: true,
  keepdims: true,
  keepDims: true,
});

abstract class BaseGlobalPooling extends Layer {
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;
  private readonly rank: number;

  constructor(args: GlobalPoolingArgs, rank: number) {
    super(args);
    const where = `${this.className} '${this.name}'`;
    this.rank = rank;
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    if (
      args.keepdims !== undefined &&
      args.keepDims !== undefined &&
      args.keepdims !== args.keepDims
    ) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: got both keepdims=${showValue(args.keepdims)} and keepDims=${showValue(args.keepDims)}; pass only keepdims`,
      );
    }
    const keep: unknown = args.keepdims ?? args.keepDims ?? false;
    if (typeof keep !== 'boolean') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: Invalid value for argument keepdims: expected a boolean. Received: keepdims=${showJson(keep)}`,
      );
    }
    this.keepdims = keep;
  }

  /** The pooled (spatial) axes. */
  protected get axes(): number[] {
    return this.rank === 1 ? [1] : [1, 2];
  }

  protected abstract reduce(x: Tensor, axes: number[], keepdims: boolean): Tensor;

  /** Pooling over the steps of [batch, steps, channels] with a [batch, steps] mask (1-D only). */
  protected reduceMasked(x: Tensor, _mask: Tensor, keepdims: boolean): Tensor {
    return this.reduce(x, this.axes, keepdims);
  }

  /** The 1-D layers use a timestep mask (`options.mask`); the output has no mask. */
  call(inputs: LayerTensors, options: CallOptions = {}): Tensor {
    const where = `${this.className} '${this.name}'`;
    const x = toChannelsLast(singleInput(inputs, where), this.dataFormat);
    checkRank(x, this.rank + 2, where);
    const mask = this.rank === 1 ? firstMask(options.mask) : null;
    if (mask === null)
      return fromChannelsLast(this.reduce(x, this.axes, this.keepdims), this.dataFormat);
    checkTimestepMask(mask, x, where);
    return fromChannelsLast(
      this.reduceMasked(x, expandDims(mask, 2), this.keepdims),
      this.dataFormat,
    );
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const where = `${this.className} '${this.name}'`;
    const s = shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat);
    if (s.length !== this.rank + 2) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: expected an input of rank ${this.rank + 2}, received shape ${formatSymbolicShape(s)}`,
      );
    }
    const channels = s[this.rank + 1] ?? null;
    if (this.keepdims)
      return shapeFromChannelsLast(
        [s[0] ?? null, ...this.axes.map(() => 1), channels],
        this.dataFormat,
      );
    return shapeFromChannelsLast([s[0] ?? null, channels], this.dataFormat);
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

/** Mean over steps: [batch, steps, channels] -> [batch, channels]. */
export class GlobalAveragePooling1D extends BaseGlobalPooling {
  static override className = 'GlobalAveragePooling1D';
  static override readonly argKeys: readonly string[] = GLOBAL_POOLING_ARG_KEYS;
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 1);
  }
  protected reduce(x: Tensor, axes: number[], keepdims: boolean): Tensor {
    return mean(x, axes, keepdims);
  }
  /** The mean over unmasked steps (Keras: NaN for a sample with every step masked). */
  protected override reduceMasked(x: Tensor, mask: Tensor, keepdims: boolean): Tensor {
    const m = cast(mask, x.dtype);
    return div(sum(mul(x, m), 1, keepdims), sum(m, 1, keepdims));
  }
}
registerLayer(GlobalAveragePooling1D);

/** Mean over height and width: [batch, h, w, channels] -> [batch, channels]. */
export class GlobalAveragePooling2D extends BaseGlobalPooling {
  static override className = 'GlobalAveragePooling2D';
  static override readonly argKeys: readonly string[] = GLOBAL_POOLING_ARG_KEYS;
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 2);
  }
  protected reduce(x: Tensor, axes: number[], keepdims: boolean): Tensor {
    return mean(x, axes, keepdims);
  }
}
registerLayer(GlobalAveragePooling2D);

/** Max over steps: [batch, steps, channels] -> [batch, channels]. */
export class GlobalMaxPooling1D extends BaseGlobalPooling {
  static override className = 'GlobalMaxPooling1D';
  static override readonly argKeys: readonly string[] = GLOBAL_POOLING_ARG_KEYS;
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 1);
  }
  protected reduce(x: Tensor, axes: number[], keepdims: boolean): Tensor {
    return max(x, axes, keepdims);
  }
}
registerLayer(GlobalMaxPooling1D);

/** Max over height and width: [batch, h, w, channels] -> [batch, channels]. */
export class GlobalMaxPooling2D extends BaseGlobalPooling {
  static override className = 'GlobalMaxPooling2D';
  static override readonly argKeys: readonly string[] = GLOBAL_POOLING_ARG_KEYS;
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 2);
  }
  protected reduce(x: Tensor, axes: number[], keepdims: boolean): Tensor {
    return max(x, axes, keepdims);
  }
}
registerLayer(GlobalMaxPooling2D);
