import { reshape, tile, transpose, expandDims } from '../../ops/movement.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import { sizeOf } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import { checkPositiveInt, checkRank, singleInput } from '../base/args.js';
import { layerArgKeys } from '../base/arg-keys.js';
import type { DataFormat } from '../conv/util.js';
import { LaminaRangeError } from '../../errors.js';
import { showJson } from '../../validation/options.js';

/** Flattens every dimension after the batch: [batch, d1, d2, ...] -> [batch, d1 * d2 * ...]. */
export interface FlattenArgs extends LayerArgs {
  /** 'channels_first' flattens as if the channels were last (Keras); default 'channels_last'. */
  dataFormat?: DataFormat | null;
}

export class Flatten extends Layer {
  static override className = 'Flatten';
  static override readonly argKeys: readonly string[] = layerArgKeys<FlattenArgs>({
    dataFormat: true,
  });
  readonly dataFormat: DataFormat;
  constructor(args: FlattenArgs = {}) {
    super(args);
    const format = args.dataFormat ?? 'channels_last';
    if (format !== 'channels_last' && format !== 'channels_first')
      throw new LaminaRangeError(
        'invalid-argument',
        `Flatten '${this.name}': Invalid value for argument dataFormat: expected 'channels_last' or 'channels_first'. Received: dataFormat=${showJson(format)}`,
      );
    this.dataFormat = format;
  }
  call(inputs: LayerTensors): Tensor {
    const input = singleInput(inputs, `Flatten '${this.name}'`);
    // Channels first: move them last, so the flattened order is the same in both formats.
    const x =
      this.dataFormat === 'channels_first' && input.rank > 2
        ? transpose(input, [0, ...Array.from({ length: input.rank - 2 }, (_, i) => i + 2), 1])
        : input;
    if (x.rank === 0)
      throw new LaminaRangeError(
        'invalid-argument',
        `Flatten '${this.name}': expected an input with a batch dimension, received a scalar`,
      );
    return reshape(x, [x.shape[0] as number, x.rank === 1 ? 1 : sizeOf(x.shape.slice(1))]);
  }
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = singleInput(inputShape, `Flatten '${this.name}'`);
    const rest = s.slice(1);
    return [s[0] ?? null, rest.some((d) => d === null) ? null : sizeOf(rest as number[])];
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }
}
registerLayer(Flatten);

export interface ReshapeArgs extends LayerArgs {
  /** Target shape of one sample (without the batch); one entry may be -1. */
  targetShape: readonly number[];
}

export class Reshape extends Layer {
  static override className = 'Reshape';
  static override readonly argKeys: readonly string[] = layerArgKeys<ReshapeArgs>({
    targetShape: true,
  });
  readonly targetShape: readonly number[];
  constructor(args: ReshapeArgs) {
    super(args);
    const ok =
      Array.isArray(args.targetShape) &&
      args.targetShape.every((d) => Number.isInteger(d) && (d > 0 || d === -1));
    if (!ok || args.targetShape.filter((d) => d === -1).length > 1) {
      throw new LaminaRangeError(
        'invalid-argument',
        `Reshape '${this.name}': targetShape must hold positive integers and at most one -1, received ${showJson(args.targetShape)}`,
      );
    }
    this.targetShape = [...args.targetShape];
  }
  call(inputs: LayerTensors): Tensor {
    const x = singleInput(inputs, `Reshape '${this.name}'`);
    return reshape(x, [x.shape[0] as number, ...this.targetShape]);
  }
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = singleInput(inputShape, `Reshape '${this.name}'`);
    const rest = s.slice(1);
    if (!this.targetShape.includes(-1)) {
      if (rest.every((d) => d !== null) && sizeOf(rest as number[]) !== sizeOf(this.targetShape)) {
        throw new LaminaRangeError(
          'invalid-argument',
          `Reshape '${this.name}': cannot reshape ${formatSymbolicShape(s)} to target shape ${JSON.stringify(this.targetShape)}`,
        );
      }
      return [s[0] ?? null, ...this.targetShape];
    }
    if (rest.some((d) => d === null))
      return [s[0] ?? null, ...this.targetShape.map((d) => (d === -1 ? null : d))];
    const known = sizeOf(this.targetShape.filter((d) => d !== -1));
    const total = sizeOf(rest as number[]);
    if (total % known !== 0) {
      throw new LaminaRangeError(
        'invalid-argument',
        `Reshape '${this.name}': cannot reshape ${formatSymbolicShape(s)} to target shape ${JSON.stringify(this.targetShape)}`,
      );
    }
    return [s[0] ?? null, ...this.targetShape.map((d) => (d === -1 ? total / known : d))];
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }
}
registerLayer(Reshape);

export interface PermuteArgs extends LayerArgs {
  /** A permutation of 1..rank-1 (the batch dimension stays first), 1-based as in Keras. */
  dims: readonly number[];
}

export class Permute extends Layer {
  static override className = 'Permute';
  static override readonly argKeys: readonly string[] = layerArgKeys<PermuteArgs>({ dims: true });
  readonly dims: readonly number[];
  constructor(args: PermuteArgs) {
    super(args);
    const sorted = Array.isArray(args.dims)
      ? [...(args.dims as number[])].sort((a, b) => a - b)
      : [];
    if (sorted.length === 0 || !sorted.every((d, i) => d === i + 1)) {
      throw new LaminaRangeError(
        'invalid-argument',
        `Permute '${this.name}': dims must be a permutation of 1..${sorted.length} (1-based, excluding the batch), received ${showJson(args.dims)}`,
      );
    }
    this.dims = [...args.dims];
  }
  call(inputs: LayerTensors): Tensor {
    const x = singleInput(inputs, `Permute '${this.name}'`);
    checkRank(x, this.dims.length + 1, `Permute '${this.name}'`);
    return transpose(x, [0, ...this.dims]);
  }
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = singleInput(inputShape, `Permute '${this.name}'`);
    return [s[0] ?? null, ...this.dims.map((d) => s[d] ?? null)];
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}
registerLayer(Permute);

export interface RepeatVectorArgs extends LayerArgs {
  n: number;
}

/** [batch, features] -> [batch, n, features]. */
export class RepeatVector extends Layer {
  static override className = 'RepeatVector';
  static override readonly argKeys: readonly string[] = layerArgKeys<RepeatVectorArgs>({ n: true });
  readonly n: number;
  constructor(args: RepeatVectorArgs) {
    super(args);
    this.n = checkPositiveInt(args.n, 'n', `RepeatVector '${this.name}'`);
  }
  call(inputs: LayerTensors): Tensor {
    const x = singleInput(inputs, `RepeatVector '${this.name}'`);
    checkRank(x, 2, `RepeatVector '${this.name}'`);
    return tile(expandDims(x, 1), [1, this.n, 1]);
  }
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = singleInput(inputShape, `RepeatVector '${this.name}'`);
    return [s[0] ?? null, this.n, s[1] ?? null];
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), n: this.n };
  }
}
registerLayer(RepeatVector);
