/** Conv1D and Conv2D (channels last), after Keras 3's BaseConv. */
import {
  fusableActivation,
  getActivation,
  serializeActivation,
  type Activation,
  type ActivationIdentifier,
} from '../../activations/index.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import { conv1d, conv2d, conv2dBiasActivation } from '../../ops/conv.js';
import { pad } from '../../ops/movement.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import { mapLegacyArgs } from '../base/legacy.js';
import type { SymbolicShape } from '../base/symbolic.js';
import type { LayerWeight } from '../base/weight.js';
import { LEGACY_WEIGHT_ARGS } from '../core/dense.js';
import { checkPositiveInt, checkRank, singleInput } from '../base/args.js';
import { addBiasAndActivate } from '../core/bias-activation.js';
import {
  checkDataFormat,
  checkInputShape,
  checkPadding,
  convOutputLength,
  normalizeTuple,
  type DataFormat,
  type IntOrTuple,
  type LegacyWeightArgs,
  fromChannelsLast,
  shapeFromChannelsLast,
  shapeToChannelsLast,
  toChannelsLast,
} from './util.js';
import { WeightParams } from '../base/weight-params.js';
import { layerArgKeys } from '../base/arg-keys.js';
import { LaminaRangeError } from '../../errors.js';
import { showJson } from '../../validation/options.js';

/** What `preActivation` applies in place of the layer's activation. */
const LINEAR = getActivation('linear');

/** Arguments shared by Conv1D, Conv2D and Conv2DTranspose (Keras names, camelCased). */
export interface ConvCommonArgs extends LayerArgs, LegacyWeightArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: a number or one entry per spatial dimension. */
  kernelSize: IntOrTuple;
  /** Default 1. Cannot exceed 1 together with dilationRate. */
  strides?: IntOrTuple;
  /** 'channels_last' (default) or 'channels_first' (run as channels-last between two transposes). */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: IntOrTuple;
  /** Default none (linear). */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
}

export interface Conv1DArgs extends ConvCommonArgs {
  /** 'valid' (default), 'same' or 'causal' (left padding only: output[t] sees input[<= t]). */
  padding?: 'valid' | 'same' | 'causal';
  /** Only 1 is supported (grouped convolution is not implemented). */
  groups?: number;
}

export interface Conv2DArgs extends ConvCommonArgs {
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /** Only 1 is supported (grouped convolution is not implemented). */
  groups?: number;
}

/** `Layer 'name'` for messages. */
export function layerWhere(layer: Layer): string {
  return `${layer.className} '${layer.name}'`;
}

/** Throws unless the strides and dilations are compatible (Keras refuses both above 1). */
export function checkStridesDilation(strides: number[], dilation: number[], where: string): void {
  if (Math.max(...strides) > 1 && Math.max(...dilation) > 1) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: strides > 1 is not supported together with dilationRate > 1. Received: strides=${showJson(strides)} and dilationRate=${showJson(dilation)}`,
    );
  }
}

/** Checks that a tensor input has the rank and channel count the layer was built for. */
export function checkChannels(x: Tensor, rank: number, channels: number, where: string): void {
  checkRank(x, rank, where);
  if (x.shape[rank - 1] !== channels) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: expected an input with ${channels} channels (last dimension), received shape ${formatShape(x.shape)}`,
    );
  }
}

export const CONV_ARG_KEYS = layerArgKeys<ConvCommonArgs>({
  filters: true,
  kernelSize: true,
  strides: true,
  dataFormat: true,
  dilationRate: true,
  activation: true,
  useBias: true,
  kernelInitializer: true,
  biasInitializer: true,
  kernelRegularizer: true,
  biasRegularizer: true,
  kernelConstraint: true,
  biasConstraint: true,
  weightRegularizer: true,
  W_regularizer: true,
  b_regularizer: true,
  W_constraint: true,
  b_constraint: true,
});

/** The common part of Conv1D and Conv2D: kernel [...kernelSize, inChannels, filters]. */
export abstract class BaseConv extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: string;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly groups: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  protected readonly kernelParams: WeightParams;
  protected readonly biasParams: WeightParams;

  constructor(
    rawArgs: ConvCommonArgs & { padding?: string; groups?: number },
    rank: number,
    paddings: readonly string[],
  ) {
    const className = (new.target as unknown as { className: string }).className;
    const args = mapLegacyArgs(rawArgs, LEGACY_WEIGHT_ARGS, className);
    super(args);
    const where = layerWhere(this);
    this.rank = rank;
    this.filters = checkPositiveInt(args.filters, 'filters', where);
    this.kernelSize = normalizeTuple(args.kernelSize, rank, 'kernelSize', where);
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides', where);
    this.padding = checkPadding(args.padding, paddings, where, 'valid');
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilationRate', where);
    this.groups = checkPositiveInt(args.groups ?? 1, 'groups', where);
    if (this.groups !== 1) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: grouped convolution is not supported: only groups=1 is implemented. Received: groups=${this.groups}`,
      );
    }
    checkStridesDilation([...this.strides], [...this.dilationRate], where);
    this.activation = getActivation(args.activation, where);
    this.useBias = args.useBias ?? true;
    this.kernelParams = new WeightParams(
      {
        initializer: args.kernelInitializer,
        regularizer: args.kernelRegularizer,
        constraint: args.kernelConstraint,
      },
      'glorotUniform',
      where,
    );
    this.biasParams = new WeightParams(
      {
        initializer: args.biasInitializer,
        regularizer: args.biasRegularizer,
        constraint: args.biasConstraint,
      },
      'zeros',
      where,
    );
  }

  get kernel(): LayerWeight | null {
    return this.kernelParams.weight;
  }

  get bias(): LayerWeight | null {
    return this.biasParams.weight;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = layerWhere(this);
    const channels = checkInputShape(
      shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat),
      this.rank + 2,
      where,
    );
    this.kernelParams.create(this, 'kernel', [...this.kernelSize, channels, this.filters]);
    if (this.useBias) this.biasParams.create(this, 'bias', [this.filters]);
  }

  call(inputs: LayerTensors): Tensor {
    return this.withActivation(inputs, this.activation);
  }

  override preActivation(inputs: LayerTensors): Tensor {
    return this.withActivation(inputs, LINEAR);
  }

  private withActivation(inputs: LayerTensors, activation: Activation): Tensor {
    const where = layerWhere(this);
    const x = toChannelsLast(singleInput(inputs, where), this.dataFormat);
    const kernel = this.kernel as LayerWeight;
    checkChannels(x, this.rank + 2, kernel.shape[this.rank] as number, where);
    const kind = this.bias === null ? null : fusableActivation(activation);
    const fused =
      kind === null ? null : this.convolveBiasActivation(x, kernel, this.bias as LayerWeight, kind);
    return fromChannelsLast(
      fused ?? addBiasAndActivate(this.convolve(x, kernel), this.bias, activation),
      this.dataFormat,
    );
  }

  protected abstract convolve(x: Tensor, kernel: Tensor): Tensor;

  /**
   * The convolution, bias and a linear/relu activation as one kernel where the subclass has one
   * (same values as `convolve` then the bias and activation); null otherwise.
   */
  protected convolveBiasActivation(
    _x: Tensor,
    _kernel: Tensor,
    _bias: Tensor,
    _activation: 'linear' | 'relu',
  ): Tensor | null {
    return null;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const where = layerWhere(this);
    const s = shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat);
    checkInputShape(s, this.rank + 2, where);
    const spatial = this.kernelSize.map((k, i) =>
      convOutputLength(
        s[i + 1] ?? null,
        k,
        this.padding,
        this.strides[i] as number,
        this.dilationRate[i] as number,
        where,
        s,
      ),
    );
    return shapeFromChannelsLast([s[0] ?? null, ...spatial, this.filters], this.dataFormat);
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      groups: this.groups,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      ...this.kernelParams.config('kernel'),
      ...this.biasParams.config('bias'),
    };
  }
}

/** 1-D convolution over [batch, steps, channels]; kernel [kernelSize, inChannels, filters]. */
export class Conv1D extends BaseConv {
  static override className = 'Conv1D';
  static override readonly argKeys: readonly string[] = [
    ...CONV_ARG_KEYS,
    ...layerArgKeys<Omit<Conv1DArgs, keyof ConvCommonArgs>>({ padding: true, groups: true }),
  ];
  constructor(args: Conv1DArgs) {
    super(args, 1, ['valid', 'same', 'causal']);
  }
  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    const k = this.kernelSize[0] as number;
    const d = this.dilationRate[0] as number;
    const s = this.strides[0] as number;
    if (this.padding === 'causal') {
      const padded = pad(x, [
        [0, 0],
        [(k - 1) * d, 0],
        [0, 0],
      ]);
      return conv1d(padded, kernel, s, 'valid', d);
    }
    return conv1d(x, kernel, s, this.padding as 'valid' | 'same', d);
  }
}
registerLayer(Conv1D);

/** 2-D convolution over [batch, height, width, channels]; kernel [kh, kw, inChannels, filters]. */
export class Conv2D extends BaseConv {
  static override className = 'Conv2D';
  static override readonly argKeys: readonly string[] = [
    ...CONV_ARG_KEYS,
    ...layerArgKeys<Omit<Conv2DArgs, keyof ConvCommonArgs>>({ padding: true, groups: true }),
  ];
  constructor(args: Conv2DArgs) {
    super(args, 2, ['valid', 'same']);
  }
  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv2d(
      x,
      kernel,
      this.strides as [number, number],
      this.padding as 'valid' | 'same',
      this.dilationRate as [number, number],
    );
  }
  protected override convolveBiasActivation(
    x: Tensor,
    kernel: Tensor,
    bias: Tensor,
    activation: 'linear' | 'relu',
  ): Tensor {
    return conv2dBiasActivation(
      x,
      kernel,
      bias,
      activation,
      this.strides as [number, number],
      this.padding as 'valid' | 'same',
      this.dilationRate as [number, number],
    );
  }
}
registerLayer(Conv2D);
