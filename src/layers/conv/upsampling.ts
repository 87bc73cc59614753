/** UpSampling2D (channels last), after Keras 3: repeats rows and columns, or interpolates. */
import { resizeBilinear } from '../../ops/image.js';
import { reshape, tile } from '../../ops/movement.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import type { SymbolicShape } from '../base/symbolic.js';
import { checkRank, singleInput } from '../base/args.js';
import { layerWhere } from './conv.js';
import {
  checkDataFormat,
  checkRank4,
  normalizeTuple,
  type DataFormat,
  type IntOrTuple,
  fromChannelsLast,
  shapeFromChannelsLast,
  shapeToChannelsLast,
  toChannelsLast,
} from './util.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { LaminaRangeError } from '../../errors.js';

export type UpSamplingInterpolation = 'nearest' | 'bilinear';

export interface UpSampling2DArgs extends LayerArgs {
  /** Factors for rows and columns: a number or [rows, cols]. Default 2. */
  size?: IntOrTuple;
  /** 'channels_last' (default) or 'channels_first' (run as channels-last between two transposes). */
  dataFormat?: DataFormat | null;
  /**
   * 'nearest' (default: repeats rows and columns) or 'bilinear' (TensorFlow's resize with
   * half-pixel centers, as Keras 3 uses).
   */
  interpolation?: UpSamplingInterpolation;
}

/** Repeats rows and columns (or interpolates): [batch, h, w, c] -> [batch, h*sh, w*sw, c]. */
export class UpSampling2D extends Layer {
  static override className = 'UpSampling2D';
  static override readonly argKeys: readonly string[] = layerArgKeys<UpSampling2DArgs>({
    size: true,
    dataFormat: true,
    interpolation: true,
  });
  readonly size: readonly [number, number];
  readonly dataFormat: DataFormat;
  readonly interpolation: UpSamplingInterpolation;

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    const where = layerWhere(this);
    this.size = normalizeTuple(args.size ?? 2, 2, 'size', where) as [number, number];
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    const interpolation: unknown = args.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      const known = ['bicubic', 'lanczos3', 'lanczos5', 'area'].includes(String(interpolation));
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: Invalid value for argument interpolation: expected 'nearest' or 'bilinear'${known ? ` ('${String(interpolation)}' exists in Keras but is not implemented)` : ''}. Received: interpolation=${JSON.stringify(interpolation)}`,
      );
    }
    this.interpolation = interpolation;
  }

  call(inputs: LayerTensors): Tensor {
    const where = layerWhere(this);
    const x = toChannelsLast(singleInput(inputs, where), this.dataFormat);
    checkRank(x, 4, where);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [sh, sw] = this.size;
    if (this.interpolation === 'bilinear') {
      // Keras 3 resizes with half-pixel centers.
      return fromChannelsLast(resizeBilinear(x, [h * sh, w * sw], false, true), this.dataFormat);
    }
    if (sh === 1 && sw === 1) return fromChannelsLast(x, this.dataFormat);
    const repeated = tile(reshape(x, [n, h, 1, w, 1, c]), [1, 1, sh, 1, sw, 1]);
    return fromChannelsLast(reshape(repeated, [n, h * sh, w * sw, c]), this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const where = layerWhere(this);
    const s = shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat);
    checkRank4(s, where);
    const scale = (d: number | null | undefined, f: number): number | null =>
      d === null || d === undefined ? null : d * f;
    return shapeFromChannelsLast(
      [s[0] ?? null, scale(s[1], this.size[0]), scale(s[2], this.size[1]), s[3] ?? null],
      this.dataFormat,
    );
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      size: [...this.size],
      data_format: this.dataFormat,
      interpolation: this.interpolation,
    };
  }
}
registerLayer(UpSampling2D);
