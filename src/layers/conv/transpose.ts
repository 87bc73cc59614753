/** Conv2DTranspose (channels last), after Keras 3's BaseConvTranspose. */
import { getActivation, serializeActivation, type Activation } from '../../activations/index.js';
import { conv2dTranspose } from '../../ops/conv.js';
import { add } from '../../ops/elementwise.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import type { Tensor } from '../../tensor/tensor.js';
import { registerLayer } from '../base/config.js';
import { Layer, type LayerTensors } from '../base/layer.js';
import { mapLegacyArgs } from '../base/legacy.js';
import type { SymbolicShape } from '../base/symbolic.js';
import type { LayerWeight } from '../base/weight.js';
import { LEGACY_WEIGHT_ARGS } from '../core/dense.js';
import { checkPositiveInt, singleInput } from '../base/args.js';
import { CONV_ARG_KEYS, checkChannels, layerWhere, type ConvCommonArgs } from './conv.js';
import {
  checkDataFormat,
  checkInputShape,
  checkPadding,
  deconvOutputLength,
  normalizeTuple,
  type IntOrTuple,
  type DataFormat,
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

export interface Conv2DTransposeArgs extends ConvCommonArgs {
  /** 'valid' (default) or 'same'. */
  padding?: 'valid' | 'same';
  /**
   * Extra rows/columns added to one side of the output (each below its stride); null (default)
   * lets Keras's formula choose: h * stride for 'same', h * stride + max(kh - stride, 0) for
   * 'valid'.
   */
  outputPadding?: IntOrTuple | null;
}

/**
 * The transpose of a 2-D convolution (a "deconvolution"): [batch, h, w, inChannels] ->
 * [batch, oh, ow, filters]. Kernel [kh, kw, filters, inChannels], as in Keras.
 */
export class Conv2DTranspose extends Layer {
  static override className = 'Conv2DTranspose';
  static override readonly argKeys: readonly string[] = [
    ...CONV_ARG_KEYS,
    ...layerArgKeys<Omit<Conv2DTransposeArgs, keyof ConvCommonArgs>>({
      padding: true,
      outputPadding: true,
    }),
  ];
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly outputPadding: readonly number[] | null;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  protected readonly kernelParams: WeightParams;
  protected readonly biasParams: WeightParams;

  constructor(rawArgs: Conv2DTransposeArgs) {
    const args = mapLegacyArgs(rawArgs, LEGACY_WEIGHT_ARGS, 'Conv2DTranspose');
    super(args);
    const where = layerWhere(this);
    this.filters = checkPositiveInt(args.filters, 'filters', where);
    this.kernelSize = normalizeTuple(args.kernelSize, 2, 'kernelSize', where);
    this.strides = normalizeTuple(args.strides ?? 1, 2, 'strides', where);
    this.padding = checkPadding(args.padding, ['valid', 'same'] as const, where, 'valid');
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, 2, 'dilationRate', where);
    if (this.dilationRate.some((d) => d !== 1)) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: dilationRate > 1 is not supported for transposed convolution. Received: dilationRate=${showJson(args.dilationRate)}`,
      );
    }
    this.outputPadding =
      args.outputPadding === undefined || args.outputPadding === null
        ? null
        : normalizeTuple(args.outputPadding, 2, 'outputPadding', where, true);
    this.outputPadding?.forEach((p, i) => {
      if (p >= (this.strides[i] as number)) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: each outputPadding entry must be smaller than its stride. Received: outputPadding=${showJson(this.outputPadding)} and strides=${showJson(this.strides)}`,
        );
      }
    });
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
    const c = checkInputShape(
      shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat),
      4,
      where,
    );
    this.kernelParams.create(this, 'kernel', [...this.kernelSize, this.filters, c]);
    if (this.useBias) this.biasParams.create(this, 'bias', [this.filters]);
  }

  /** Keras's output size of one spatial dimension. */
  private outputLength(length: number | null, i: number): number | null {
    return deconvOutputLength(
      length,
      this.kernelSize[i] as number,
      this.padding,
      this.outputPadding === null ? null : (this.outputPadding[i] as number),
      this.strides[i] as number,
      this.dilationRate[i] as number,
    );
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
    checkChannels(x, 4, kernel.shape[3] as number, where);
    const [n, h, w] = x.shape as [number, number, number, number];
    const target: [number, number, number, number] = [
      n,
      this.outputLength(h, 0) as number,
      this.outputLength(w, 1) as number,
      this.filters,
    ];
    let y = conv2dTranspose(x, kernel, target, this.strides as [number, number], this.padding);
    if (this.bias !== null) y = add(y, this.bias);
    return fromChannelsLast(activation.apply(y), this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const where = layerWhere(this);
    const s = shapeToChannelsLast(singleInput(inputShape, where), this.dataFormat);
    checkInputShape(s, 4, where);
    return shapeFromChannelsLast(
      [
        s[0] ?? null,
        this.outputLength(s[1] ?? null, 0),
        this.outputLength(s[2] ?? null, 1),
        this.filters,
      ],
      this.dataFormat,
    );
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      output_padding: this.outputPadding === null ? null : [...this.outputPadding],
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      ...this.kernelParams.config('kernel'),
      ...this.biasParams.config('bias'),
    };
  }
}
registerLayer(Conv2DTranspose);
