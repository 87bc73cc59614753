import type { ConstraintIdentifier } from '../constraints/index.js';
import type { InitializerIdentifier } from '../initializers/index.js';
import { cast, notEqual } from '../ops/elementwise.js';
import { gather } from '../ops/movement.js';
import type { RegularizerIdentifier } from '../regularizers/index.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { registerLayer } from './base/config.js';
import { Layer, type LayerArgs, type LayerTensors } from './base/layer.js';
import type { Mask } from './base/masking.js';
import { mapLegacyArgs } from './base/legacy.js';
import type { SymbolicShape } from './base/symbolic.js';
import type { LayerWeight } from './base/weight.js';
import { WeightParams } from './base/weight-params.js';
import { checkBoolean, checkPositiveInt, singleInput } from './base/args.js';
import { layerArgKeys } from './base/arg-keys.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

export interface EmbeddingArgs extends LayerArgs {
  /** Size of the vocabulary: indices run from 0 to inputDim - 1. */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Defaults to 'uniform' (RandomUniform(-0.05, 0.05)), as Keras. */
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier;
  embeddingsConstraint?: ConstraintIdentifier | null;
  /**
   * Whether index 0 is padding: the output then carries the mask `inputs != 0`, which recurrent
   * layers and GlobalAveragePooling1D / GlobalMaxPooling1D use to skip the padded timesteps
   * (see masking.ts). Index 0 still has an embedding vector, so inputDim counts it.
   */
  maskZero?: boolean;
  /**
   * Keras 2's sequence length: sets `inputShape: [inputLength]` when no input shape is given.
   * Keras 3 dropped it; it is accepted so that Keras 2 configs load, and not written back.
   */
  inputLength?: number | null;
  /** @deprecated Keras 1 name of embeddingsRegularizer. */
  W_regularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of embeddingsConstraint. */
  W_constraint?: ConstraintIdentifier | null;
}

const LEGACY_EMBEDDING_ARGS: Readonly<Record<string, string>> = {
  W_regularizer: 'embeddingsRegularizer',
  W_constraint: 'embeddingsConstraint',
};

/**
 * Turns integer indices of any shape into dense vectors: output shape `[...input, outputDim]`.
 * Inputs are int32; float32 inputs are cast to int32 (truncating, as Keras casts to int).
 * With `maskZero`, index 0 is padding and the output's mask is `inputs != 0`.
 */
export class Embedding extends Layer {
  static override className = 'Embedding';
  static override readonly argKeys: readonly string[] = layerArgKeys<EmbeddingArgs>({
    inputDim: true,
    outputDim: true,
    embeddingsInitializer: true,
    embeddingsRegularizer: true,
    embeddingsConstraint: true,
    maskZero: true,
    inputLength: true,
    W_regularizer: true,
    W_constraint: true,
  });
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  private readonly embeddingsParams: WeightParams;

  constructor(rawArgs: EmbeddingArgs) {
    const args = mapLegacyArgs(rawArgs, LEGACY_EMBEDDING_ARGS, 'Embedding');
    const length = args.inputLength;
    if (length !== undefined && length !== null)
      checkPositiveInt(length, 'inputLength', 'Embedding');
    super(
      length !== undefined &&
        length !== null &&
        args.inputShape === undefined &&
        args.batchInputShape === undefined
        ? { ...args, inputShape: [length] }
        : args,
    );
    const where = `Embedding '${this.name}'`;
    this.inputDim = checkPositiveInt(args.inputDim, 'inputDim', where);
    this.outputDim = checkPositiveInt(args.outputDim, 'outputDim', where);
    this.embeddingsParams = new WeightParams(
      {
        initializer: args.embeddingsInitializer,
        regularizer: args.embeddingsRegularizer,
        constraint: args.embeddingsConstraint,
      },
      'uniform',
      where,
    );
    this.maskZero = checkBoolean(args.maskZero, 'maskZero', where, false);
  }

  get embeddings(): LayerWeight | null {
    return this.embeddingsParams.weight;
  }

  override build(): void {
    this.embeddingsParams.create(this, 'embeddings', [this.inputDim, this.outputDim]);
  }

  call(inputs: LayerTensors): Tensor {
    const where = `Embedding '${this.name}'`;
    const x = singleInput(inputs, where);
    if (x.dtype === 'bool') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: expected integer indices (int32, or float32 holding integers), received a bool tensor of shape ${formatShape(x.shape)}`,
      );
    }
    const ids = x.dtype === 'int32' ? x : cast(x, 'int32');
    const values = ids.dataSync();
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (v < 0 || v >= this.inputDim) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: index ${v} (at flat position ${i} of an input of shape ${formatShape(x.shape)}) is out of range: indices must be in [0, ${this.inputDim}) for inputDim=${this.inputDim}`,
        );
      }
    }
    return gather(this.embeddings as LayerWeight, ids, 0);
  }

  /** With maskZero, true where the index is not 0 (the input's shape, bool). */
  override computeMask(inputs: LayerTensors, _mask: Mask): Mask {
    if (!this.maskZero) return null;
    const x = singleInput(inputs, `Embedding '${this.name}'`);
    return notEqual(x.dtype === 'int32' ? x : cast(x, 'int32'), 0);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return [...singleInput(inputShape, `Embedding '${this.name}'`), this.outputDim];
  }

  override expectedInputDType(): DType {
    return 'int32';
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      ...this.embeddingsParams.config('embeddings'),
      mask_zero: this.maskZero,
    };
  }
}
registerLayer(Embedding);
