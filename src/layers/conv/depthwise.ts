/** DepthwiseConv2D and SeparableConv2D (channels last), after Keras 3. */
import {
  getActivation,
  serializeActivation,
  type Activation,
  type ActivationIdentifier,
} from '../../activations/index.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import { conv2d, depthwiseConv2d } from '../../ops/conv.js';
import { add } from '../../ops/elementwise.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from '../base/layer.js';
import type { SymbolicShape } from '../base/symbolic.js';
import type { LayerWeight } from '../base/weight.js';
import { checkPositiveInt, singleInput } from '../base/args.js';
import { checkChannels, checkStridesDilation, layerWhere } from './conv.js';
import {
  checkDataFormat,
  checkInputShape,
  checkPadding,
  convOutputLength,
  normalizeTuple,
  type DataFormat,
  type IntOrTuple,
  fromChannelsLast,
  shapeFromChannelsLast,
  shapeToChannelsLast,
  toChannelsLast,
} from './util.js';
import { WeightParams } from '../base/weight-params.js';
import { layerArgKeys } from '../base/arg-keys.js';

/** What `preActivation` applies in place of the layer's activation. */
const LINEAR = getActivation('linear');

interface DepthwiseCommonArgs extends LayerArgs {
  kernelSize: IntOrTuple;
  /** Default 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /** Output channels per input channel of the depthwise step. Default 1. */
  depthMultiplier?: number;
  /** 'channels_last' (default) or 'channels_first' (run as channels-last between two transposes). */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: IntOrTuple;
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  depthwiseInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  depthwiseConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
}

export type DepthwiseConv2DArgs = DepthwiseCommonArgs;

export interface SeparableConv2DArgs extends DepthwiseCommonArgs {
  /** Output channels of the pointwise (1x1) step. */
  filters: number;
  /** Default 'glorotUniform'. */
  pointwiseInitializer?: InitializerIdentifier;
  pointwiseRegularizer?: RegularizerIdentifier;
  pointwiseConstraint?: ConstraintIdentifier | null;
}

const DEPTHWISE_ARG_KEYS = layerArgKeys<DepthwiseCommonArgs>({
  kernelSize: true,
  strides: true,
  padding: true,
  depthMultiplier: true,
  dataFormat: true,
  dilationRate: true,
  activation: true,
  useBias: true,
  depthwiseInitializer: true,
  biasInitializer: true,
  depthwiseRegularizer: true,
  biasRegularizer: true,
  depthwiseConstraint: true,
  biasConstraint: true,
});

/** The depthwise step shared by both layers: kernel [kh, kw, inChannels, depthMultiplier]. */
abstract class BaseDepthwise extends Layer {
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly depthMultiplier: number;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  protected readonly depthwiseParams: WeightParams;
  protected readonly biasParams: WeightParams;

  constructor(args: DepthwiseCommonArgs) {
    super(args);
    const where = layerWhere(this);
    this.kernelSize = normalizeTuple(args.kernelSize, 2, 'kernelSize', where);
    this.strides = normalizeTuple(args.strides ?? 1, 2, 'strides', where);
    this.padding = checkPadding(args.padding, ['valid', 'same'] as const, where, 'valid');
    this.depthMultiplier = checkPositiveInt(args.depthMultiplier ?? 1, 'depthMultiplier', where);
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, 2, 'dilationRate', where);
    checkStridesDilation([...this.strides], [...this.dilationRate], where);
    this.activation = getActivation(args.activation, where);
    this.useBias = args.useBias ?? true;
    this.depthwiseParams = new WeightParams(
      {
        initializer: args.depthwiseInitializer,
        regularizer: args.depthwiseRegularizer,
        constraint: args.depthwiseConstraint,
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

  get bias(): LayerWeight | null {
    return this.biasParams.weight;
  }

  /** Output channels of the layer. */
  protected abstract outputChannels(inChannels: number | null): number | null;

  protected depthwise(x: Tensor): Tensor {
    const kernel = this.depthwiseParams.weight as LayerWeight;
    checkChannels(x, 4, kernel.shape[2] as number, layerWhere(this));
    return depthwiseConv2d(
      x,
      kernel,
      this.strides as [number, number],
      this.padding,
      this.dilationRate as [number, number],
    );
  }

  /** The bias and `activation` (the layer's own unless told) on the convolution's result. */
  protected finish(y: Tensor, activation: Activation = this.activation): Tensor {
    return activation.apply(this.bias === null ? y : add(y, this.bias));
  }

  call(inputs: LayerTensors): Tensor {
    return this.withActivation(inputs, this.activation);
  }

  override preActivation(inputs: LayerTensors): Tensor {
    return this.withActivation(inputs, LINEAR);
  }

  protected abstract withActivation(inputs: LayerTensors, activation: Activation): Tensor;

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const where = layerWhere(this);
    const s = shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat);
    const channels = checkInputShape(s, 4, where);
    const spatial = [0, 1].map((i) =>
      convOutputLength(
        s[i + 1] ?? null,
        this.kernelSize[i] as number,
        this.padding,
        this.strides[i] as number,
        this.dilationRate[i] as number,
        where,
        s,
      ),
    );
    return shapeFromChannelsLast(
      [s[0] ?? null, ...spatial, this.outputChannels(channels)],
      this.dataFormat,
    );
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      ...this.depthwiseParams.config('depthwise'),
      ...this.biasParams.config('bias'),
    };
  }
}

/**
 * Convolves each input channel with its own `depthMultiplier` filters: [batch, h, w, c] ->
 * [batch, oh, ow, c * depthMultiplier]. Weights: kernel [kh, kw, c, depthMultiplier], bias.
 */
export class DepthwiseConv2D extends BaseDepthwise {
  static override className = 'DepthwiseConv2D';
  static override readonly argKeys: readonly string[] = DEPTHWISE_ARG_KEYS;

  constructor(args: DepthwiseConv2DArgs) {
    super(args);
  }

  get kernel(): LayerWeight | null {
    return this.depthwiseParams.weight;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = layerWhere(this);
    const c = checkInputShape(
      shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat),
      4,
      where,
    );
    this.depthwiseParams.create(this, 'kernel', [...this.kernelSize, c, this.depthMultiplier]);
    if (this.useBias) this.biasParams.create(this, 'bias', [c * this.depthMultiplier]);
  }

  protected withActivation(inputs: LayerTensors, activation: Activation): Tensor {
    return fromChannelsLast(
      this.finish(
        this.depthwise(toChannelsLast(singleInput(inputs, layerWhere(this)), this.dataFormat)),
        activation,
      ),
      this.dataFormat,
    );
  }

  protected outputChannels(inChannels: number | null): number | null {
    return inChannels === null ? null : inChannels * this.depthMultiplier;
  }
}
registerLayer(DepthwiseConv2D);

/**
 * A depthwise convolution followed by a pointwise (1x1) convolution to `filters` channels.
 * Weights: depthwise_kernel [kh, kw, c, depthMultiplier], pointwise_kernel
 * [1, 1, c * depthMultiplier, filters], bias [filters].
 */
export class SeparableConv2D extends BaseDepthwise {
  static override className = 'SeparableConv2D';
  static override readonly argKeys: readonly string[] = [
    ...DEPTHWISE_ARG_KEYS,
    ...layerArgKeys<Omit<SeparableConv2DArgs, keyof DepthwiseCommonArgs>>({
      filters: true,
      pointwiseInitializer: true,
      pointwiseRegularizer: true,
      pointwiseConstraint: true,
    }),
  ];
  readonly filters: number;
  protected readonly pointwiseParams: WeightParams;

  constructor(args: SeparableConv2DArgs) {
    super(args);
    const where = layerWhere(this);
    this.filters = checkPositiveInt(args.filters, 'filters', where);
    this.pointwiseParams = new WeightParams(
      {
        initializer: args.pointwiseInitializer,
        regularizer: args.pointwiseRegularizer,
        constraint: args.pointwiseConstraint,
      },
      'glorotUniform',
      where,
    );
  }

  get depthwiseKernel(): LayerWeight | null {
    return this.depthwiseParams.weight;
  }

  get pointwiseKernel(): LayerWeight | null {
    return this.pointwiseParams.weight;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = layerWhere(this);
    const c = checkInputShape(
      shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat),
      4,
      where,
    );
    const dm = this.depthMultiplier;
    this.depthwiseParams.create(this, 'depthwise_kernel', [...this.kernelSize, c, dm]);
    this.pointwiseParams.create(this, 'pointwise_kernel', [1, 1, c * dm, this.filters]);
    if (this.useBias) this.biasParams.create(this, 'bias', [this.filters]);
  }

  protected withActivation(inputs: LayerTensors, activation: Activation): Tensor {
    const y = this.depthwise(
      toChannelsLast(singleInput(inputs, layerWhere(this)), this.dataFormat),
    );
    return fromChannelsLast(
      this.finish(conv2d(y, this.pointwiseParams.weight as LayerWeight, 1, 'valid'), activation),
      this.dataFormat,
    );
  }

  protected outputChannels(): number {
    return this.filters;
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...this.pointwiseParams.config('pointwise'),
    };
  }
}
registerLayer(SeparableConv2D);
