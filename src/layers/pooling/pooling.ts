/** MaxPooling1D/2D and AveragePooling1D/2D (channels last), after Keras 3's BasePooling. */
import { avgPool2d, maxPool2d } from '../../ops/conv.js';
import { expandDims, squeeze } from '../../ops/movement.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import { checkRank, singleInput } from '../base/args.js';
import {
  checkDataFormat,
  checkPadding,
  convOutputLength,
  normalizeTuple,
  type DataFormat,
  type IntOrTuple,
  fromChannelsLast,
  shapeFromChannelsLast,
  shapeToChannelsLast,
  toChannelsLast,
} from '../conv/util.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { LaminaRangeError } from '../../errors.js';

export interface Pooling1DArgs extends LayerArgs {
  /** Window length. Default 2. */
  poolSize?: IntOrTuple;
  /** Step between windows. Default (undefined or null): poolSize. */
  strides?: IntOrTuple | null;
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /** 'channels_last' (default) or 'channels_first' (run as channels-last between two transposes). */
  dataFormat?: DataFormat | null;
}

export interface Pooling2DArgs extends LayerArgs {
  /** Window [rows, cols] or one number for both. Default 2. */
  poolSize?: IntOrTuple;
  /** Step between windows. Default (undefined or null): poolSize. */
  strides?: IntOrTuple | null;
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /** 'channels_last' (default) or 'channels_first' (run as channels-last between two transposes). */
  dataFormat?: DataFormat | null;
}

const POOLING_ARG_KEYS = layerArgKeys<Pooling2DArgs>({
  poolSize: true,
  strides: true,
  padding: true,
  dataFormat: true,
});

abstract class BasePooling extends Layer {
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;
  private readonly rank: number;

  constructor(args: Pooling2DArgs, rank: number) {
    super(args);
    const where = this.where;
    this.rank = rank;
    this.poolSize = normalizeTuple(args.poolSize ?? 2, rank, 'poolSize', where);
    this.strides = normalizeTuple(args.strides ?? this.poolSize, rank, 'strides', where);
    this.padding = checkPadding(args.padding, ['valid', 'same'] as const, where, 'valid');
    this.dataFormat = checkDataFormat(args.dataFormat, where);
  }

  protected get where(): string {
    return `${this.className} '${this.name}'`;
  }

  protected abstract pool(
    x: Tensor,
    poolSize: readonly number[],
    strides: readonly number[],
  ): Tensor;

  call(inputs: LayerTensors): Tensor {
    const x = toChannelsLast(singleInput(inputs, this.where), this.dataFormat);
    checkRank(x, this.rank + 2, this.where);
    if (this.rank === 2)
      return fromChannelsLast(this.pool(x, this.poolSize, this.strides), this.dataFormat);
    // 1-D pooling is 2-D pooling over [batch, 1, steps, channels].
    const y = this.pool(expandDims(x, 1), [1, ...this.poolSize], [1, ...this.strides]);
    return fromChannelsLast(squeeze(y, 1), this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = shapeToChannelsLast(singleInput(inputShape, this.where), this.dataFormat);
    if (s.length !== this.rank + 2) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: expected an input of rank ${this.rank + 2}, received shape ${formatSymbolicShape(s)}`,
      );
    }
    const spatial = this.poolSize.map((p, i) =>
      convOutputLength(
        s[i + 1] ?? null,
        p,
        this.padding,
        this.strides[i] as number,
        1,
        this.where,
        s,
      ),
    );
    return shapeFromChannelsLast(
      [s[0] ?? null, ...spatial, s[this.rank + 1] ?? null],
      this.dataFormat,
    );
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      pool_size: [...this.poolSize],
      padding: this.padding,
      strides: [...this.strides],
      data_format: this.dataFormat,
    };
  }
}

const asPair = (v: readonly number[]): [number, number] => [v[0] as number, v[1] as number];

/** Max over windows of [batch, steps, channels]. */
export class MaxPooling1D extends BasePooling {
  static override className = 'MaxPooling1D';
  static override readonly argKeys: readonly string[] = POOLING_ARG_KEYS;
  constructor(args: Pooling1DArgs = {}) {
    super(args, 1);
  }
  protected pool(x: Tensor, p: readonly number[], s: readonly number[]): Tensor {
    return maxPool2d(x, asPair(p), asPair(s), this.padding);
  }
}
registerLayer(MaxPooling1D);

/** Max over windows of [batch, height, width, channels]. */
export class MaxPooling2D extends BasePooling {
  static override className = 'MaxPooling2D';
  static override readonly argKeys: readonly string[] = POOLING_ARG_KEYS;
  constructor(args: Pooling2DArgs = {}) {
    super(args, 2);
  }
  protected pool(x: Tensor, p: readonly number[], s: readonly number[]): Tensor {
    return maxPool2d(x, asPair(p), asPair(s), this.padding);
  }
}
registerLayer(MaxPooling2D);

/** Mean over windows of [batch, steps, channels] (with 'same', padding is not counted). */
export class AveragePooling1D extends BasePooling {
  static override className = 'AveragePooling1D';
  static override readonly argKeys: readonly string[] = POOLING_ARG_KEYS;
  constructor(args: Pooling1DArgs = {}) {
    super(args, 1);
  }
  protected pool(x: Tensor, p: readonly number[], s: readonly number[]): Tensor {
    return avgPool2d(x, asPair(p), asPair(s), this.padding);
  }
}
registerLayer(AveragePooling1D);

/** Mean over windows of [batch, height, width, channels] (with 'same', padding is not counted). */
export class AveragePooling2D extends BasePooling {
  static override className = 'AveragePooling2D';
  static override readonly argKeys: readonly string[] = POOLING_ARG_KEYS;
  constructor(args: Pooling2DArgs = {}) {
    super(args, 2);
  }
  protected pool(x: Tensor, p: readonly number[], s: readonly number[]): Tensor {
    return avgPool2d(x, asPair(p), asPair(s), this.padding);
  }
}
registerLayer(AveragePooling2D);
