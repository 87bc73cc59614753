/**
 * The shared machinery of SimpleRNN, LSTM and GRU (Keras's `RNN` wrapping a cell, flattened into
 * one layer): argument checks, the kernel / recurrent_kernel / bias weights, dropout masks drawn
 * once per call, the loop over timesteps and the output conventions (returnSequences,
 * returnState, goBackwards) and masking. Inputs are [batch, timesteps, features].
 */
import { getActivation, serializeActivation, type Activation } from '../../activations/index.js';
import type { Initializer } from '../../initializers/index.js';
import { zeros } from '../../ops/creation.js';
import type { RecurrentActivation, RecurrentCell } from '../../backend/kernels.js';
import { add, cast, mul, where } from '../../ops/elementwise.js';
import { matMulBiasActivation } from '../../ops/fused.js';
import { matMul } from '../../ops/linalg.js';
import { dropoutMask } from '../../ops/random.js';
import { reshape, reverse, slice, stack, transpose, unstack } from '../../ops/movement.js';
import { recurrentSequence } from '../../ops/recurrent.js';
import type { JsonObject } from '../../serialization/keras-object.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  isShapeList,
  Layer,
  type CallOptions,
  type LayerTensors,
  type WeightInitializer,
} from '../base/layer.js';
import { mapLegacyArgs } from '../base/legacy.js';
import { checkTimestepMask, firstMask, type Mask } from '../base/masking.js';
import { SeedStream } from '../base/seed-stream.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import type { LayerWeight } from '../base/weight.js';
import { WeightParams } from '../base/weight-params.js';
import { checkBoolean, checkPositiveInt, checkRate } from '../base/args.js';
import { LEGACY_RNN_ARGS, type RNNArgs } from './args.js';
import { LaminaError, LaminaRangeError } from '../../errors.js';

export { LEGACY_RNN_ARGS, type GatedRNNArgs, type RNNArgs } from './args.js';

/** What the fused kernels need of a cell (`fusedCell`). */
export interface FusedCell {
  cell: RecurrentCell;
  activation: RecurrentActivation;
  recurrentActivation: RecurrentActivation;
  recurrentBias: Tensor | null;
}

const FUSED_ACTIVATIONS: readonly RecurrentActivation[] = ['tanh', 'sigmoid', 'relu', 'linear'];

/** The built-in activation the fused kernels compute for `a`, or null (a custom function too). */
export function fusedActivation(a: Activation): RecurrentActivation | null {
  for (const name of FUSED_ACTIVATIONS) {
    if (a === getActivation(name)) return name;
  }
  return null;
}

let fusion = true;

/**
 * Turns the fused sequence kernels on or off for every recurrent layer (on by default), for
 * tests and benchmarks that compare them with the step-by-step loop; returns the previous
 * setting. Not exported from the package.
 */
export function setRecurrentFusion(enabled: boolean): boolean {
  const previous = fusion;
  fusion = enabled;
  return previous;
}

/** One timestep: the input projection x_t.kernel (+ input bias) and the states -> new states. */
export type StepFn = (projected: Tensor, states: Tensor[]) => Tensor[];

export abstract class RNN extends Layer {
  override readonly supportsMasking: boolean = true;
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  /** Masked steps output zeros instead of the previous output (see RNNArgs). */
  zeroOutputForMask: boolean;
  readonly stateful = false;
  readonly unroll: boolean;
  protected readonly seeds: SeedStream;
  private readonly kernelParams: WeightParams;
  private readonly recurrentParams: WeightParams;
  private readonly biasParams: WeightParams;

  constructor(rawArgs: RNNArgs) {
    const args = mapLegacyArgs(rawArgs, LEGACY_RNN_ARGS, (new.target as typeof Layer).className);
    super(args);
    const where = this.where;
    this.units = checkPositiveInt(args.units, 'units', where);
    this.activation = getActivation(
      args.activation === undefined ? 'tanh' : args.activation,
      where,
    );
    this.useBias = checkBoolean(args.useBias, 'useBias', where, true);
    this.kernelParams = new WeightParams(
      {
        initializer: args.kernelInitializer,
        regularizer: args.kernelRegularizer,
        constraint: args.kernelConstraint,
      },
      'glorotUniform',
      where,
    );
    this.recurrentParams = new WeightParams(
      {
        initializer: args.recurrentInitializer,
        regularizer: args.recurrentRegularizer,
        constraint: args.recurrentConstraint,
      },
      'orthogonal',
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
    this.dropout = checkRate(args.dropout ?? 0, 'dropout', where);
    this.recurrentDropout = checkRate(args.recurrentDropout ?? 0, 'recurrentDropout', where);
    this.seeds = new SeedStream(args.seed ?? undefined, this);
    this.returnSequences = checkBoolean(args.returnSequences, 'returnSequences', where, false);
    this.returnState = checkBoolean(args.returnState, 'returnState', where, false);
    this.goBackwards = checkBoolean(args.goBackwards, 'goBackwards', where, false);
    this.unroll = checkBoolean(args.unroll, 'unroll', where, false);
    this.zeroOutputForMask = checkBoolean(
      args.zeroOutputForMask,
      'zeroOutputForMask',
      where,
      false,
    );
    if (checkBoolean(args.stateful, 'stateful', where, false)) {
      throw new LaminaError(
        'unsupported',
        `${where}: stateful=true is not supported (pass the final states back instead: returnState, then apply(x, { initialState: states }))`,
      );
    }
  }

  /** Also `initialState`: the states to start from (Keras's `initial_state`). */
  protected override callOptionNames(): readonly string[] {
    return [...super.callOptionNames(), 'initialState'];
  }

  get kernel(): LayerWeight | null {
    return this.kernelParams.weight;
  }

  get recurrentKernel(): LayerWeight | null {
    return this.recurrentParams.weight;
  }

  get bias(): LayerWeight | null {
    return this.biasParams.weight;
  }

  get biasInitializer(): Initializer {
    return this.biasParams.initializer;
  }

  protected get where(): string {
    return `${this.className} '${this.name}'`;
  }

  // ---- what each cell defines ----------------------------------------------------------------

  /** Number of gate blocks in the kernels: 1 (SimpleRNN), 4 (LSTM), 3 (GRU). */
  protected abstract get gateCount(): number;
  /** Number of states: 1, or 2 for LSTM ([h, c]). */
  abstract get stateCount(): number;
  /** Builds the step function for one call (with the recurrent dropout mask, if any). */
  protected abstract makeStep(recurrentMask: Tensor | null): StepFn;

  protected biasShape(): number[] {
    return [this.gateCount * this.units];
  }
  protected biasWeightInitializer(): WeightInitializer {
    return this.biasInitializer;
  }
  /** The bias added to the input projection (GRU with resetAfter takes row 0). */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  // ---- Layer ---------------------------------------------------------------------------------

  private sequenceShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = isShapeList(inputShape) ? (inputShape[0] as SymbolicShape) : inputShape;
    if (shape.length !== 3) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: expected an input of rank 3 [batch, timesteps, features], received shape ${formatSymbolicShape(shape)}`,
      );
    }
    return shape;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const where = this.where;
    const inputDim = this.sequenceShape(inputShape)[2];
    if (inputDim === null || inputDim === undefined) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: the features dimension of the input must be known, received ${formatSymbolicShape(this.sequenceShape(inputShape))}`,
      );
    }
    const k = this.gateCount * this.units;
    this.kernelParams.create(this, 'kernel', [inputDim, k]);
    this.recurrentParams.create(this, 'recurrent_kernel', [this.units, k]);
    if (this.useBias) {
      this.biasParams.create(this, 'bias', this.biasShape(), this.biasWeightInitializer());
    }
  }

  /**
   * `inputs` is the sequence, or [sequence, ...initialStates] (each [batch, units]). With a mask
   * ([batch, timesteps] bool, from `options.mask`), a masked timestep keeps the previous states
   * and repeats the previous output (the first state before the first unmasked step), as Keras:
   * the last output is that of the last unmasked step. With zeroOutputForMask it outputs zeros.
   */
  call(inputs: LayerTensors, options: CallOptions): LayerTensors {
    const [x, ...initial] = Array.isArray(inputs) ? inputs : [inputs];
    if (x === undefined)
      throw new LaminaRangeError('invalid-argument', `${this.where}: called with no inputs`);
    this.sequenceShape(x.shape);
    const [batch, steps, features] = x.shape as [number, number, number];
    const kernel = this.kernel as LayerWeight;
    if (features !== kernel.shape[0]) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: expected ${kernel.shape[0]} input features (the last dimension), received shape ${formatShape(x.shape)}`,
      );
    }
    const states = this.initialStates(initial, batch);
    const mask = firstMask(options.mask);
    if (mask !== null) checkTimestepMask(mask, x, this.where);
    const training = options.training === true;

    // Masks are drawn once per call and shared by all timesteps (Keras semantics).
    let seq = x;
    if (training && this.dropout > 0) {
      const mask = dropoutMask([batch, features], this.dropout, this.seeds.next());
      seq = mul(seq, reshape(mask, [batch, 1, features]));
    }
    const recurrentMask =
      training && this.recurrentDropout > 0
        ? dropoutMask([batch, this.units], this.recurrentDropout, this.seeds.next())
        : null;

    const fused = fusion && steps > 0 && x.dtype === 'float32' ? this.fusedCell() : null;
    if (fused !== null) {
      return this.callFused(fused, seq, states, mask, recurrentMask);
    }

    const outputs: Tensor[] = [];
    let current = states;
    if (steps > 0) {
      // The input projection of every timestep at once; the loop does the recurrent part.
      const k = this.gateCount * this.units;
      let projected = reshape(matMul(reshape(seq, [batch * steps, features]), kernel), [
        batch,
        steps,
        k,
      ]);
      const bias = this.inputBias();
      if (bias !== null) projected = add(projected, bias);
      const perStep = unstack(projected, 1);
      if (this.goBackwards) perStep.reverse();
      const step = this.makeStep(recurrentMask);
      if (mask === null) {
        for (const xt of perStep) {
          current = step(xt, current);
          outputs.push(current[0] as Tensor);
        }
      } else {
        // Each step's mask as [batch, 1], in processing order (reversed with goBackwards).
        const maskSteps = unstack(mask, 1).map((m) => reshape(m, [batch, 1]));
        if (this.goBackwards) maskSteps.reverse();
        const zero = zeros([batch, this.units]);
        perStep.forEach((xt, t) => {
          const keep = maskSteps[t] as Tensor;
          const next = step(xt, current);
          const before = current;
          current = next.map((s, i) => where(keep, s, before[i] as Tensor));
          const masked = this.zeroOutputForMask ? zero : (before[0] as Tensor);
          outputs.push(where(keep, next[0] as Tensor, masked));
        });
      }
    }
    let output: Tensor;
    if (this.returnSequences) {
      output = steps > 0 ? stack(outputs, 1) : zeros([batch, 0, this.units], x.dtype);
    } else {
      output = mask !== null && steps > 0 ? (outputs[steps - 1] as Tensor) : (current[0] as Tensor);
    }
    return this.returnState ? [output, ...current] : output;
  }

  /**
   * The sequence as one fused kernel each way (`ops/recurrent.ts`): the input projection of all
   * steps as one product (time-major, in processing order), then the recurrence. The same
   * computation as the step-by-step loop, to float32 rounding (the kernels' sigmoid and tanh are
   * float32 approximations within 2 ulp; test/layers/recurrent-fused.test.ts bounds the gap).
   */
  private callFused(
    fused: FusedCell,
    seq: Tensor,
    states: Tensor[],
    mask: Tensor | null,
    recurrentMask: Tensor | null,
  ): LayerTensors {
    const [batch, steps, features] = seq.shape as [number, number, number];
    const k = this.gateCount * this.units;
    let timeMajor = transpose(seq, [1, 0, 2]);
    if (this.goBackwards) timeMajor = reverse(timeMajor, 0);
    // The input bias rides on the product (one kernel and one output instead of two).
    const rows = reshape(timeMajor, [steps * batch, features]);
    const kernel = this.kernel as LayerWeight;
    const bias = this.inputBias();
    // With a bias, the projection is transient: only the sequence kernel reads it (the
    // product's gradient does not), which releases it, so it is never copied out to JS.
    const projected = reshape(
      bias === null
        ? matMul(rows, kernel)
        : matMulBiasActivation(rows, kernel, bias, 'linear', true),
      [steps, batch, k],
    );
    let stepMask: Tensor | null = null;
    if (mask !== null) {
      stepMask = cast(transpose(mask, [1, 0]), 'float32');
      if (this.goBackwards) stepMask = reverse(stepMask, 0);
    }
    const { outputs, states: finals } = recurrentSequence({
      cell: fused.cell,
      activation: fused.activation,
      recurrentActivation: fused.recurrentActivation,
      projected,
      releaseProjected: bias !== null,
      kernel: this.recurrentKernel as LayerWeight,
      initialStates: states,
      recurrentBias: fused.recurrentBias,
      mask: stepMask,
      zeroOutputForMask: this.zeroOutputForMask,
      recurrentDropout: recurrentMask,
    });
    const output = this.returnSequences
      ? transpose(outputs, [1, 0, 2])
      : mask !== null
        ? reshape(slice(outputs, [steps - 1, 0, 0], [1, batch, this.units]), [batch, this.units])
        : (finals[0] as Tensor);
    return this.returnState ? [output, ...finals] : output;
  }

  /**
   * The fused kernels' cell for this layer's configuration, or null where the step-by-step loop
   * runs (an activation the kernels do not compute).
   */
  protected abstract fusedCell(): FusedCell | null;

  /**
   * The output mask: the input mask with returnSequences, else none; the states have none. With
   * goBackwards the output sequence is in processing order but Keras passes the input mask on
   * as it is (not reversed), and so does Lamina, so that files agree.
   */
  override computeMask(_inputs: LayerTensors, mask: Mask): Mask {
    const m = firstMask(mask);
    const output = m === null || !this.returnSequences ? null : m;
    if (!this.returnState) return output;
    return [output, ...Array.from({ length: this.stateCount }, () => null)];
  }

  private initialStates(given: Tensor[], batch: number): Tensor[] {
    if (given.length === 0) {
      return Array.from({ length: this.stateCount }, () => zeros([batch, this.units]));
    }
    if (given.length !== this.stateCount) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${this.where}: expected ${this.stateCount} initial state(s) after the input, received ${given.length}`,
      );
    }
    for (const s of given) {
      if (
        !(s instanceof Tensor) ||
        s.rank !== 2 ||
        s.shape[0] !== batch ||
        s.shape[1] !== this.units
      ) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${this.where}: each initial state must have shape [${batch},${this.units}], received ${s instanceof Tensor ? formatShape(s.shape) : typeof s}`,
        );
      }
    }
    return given;
  }

  override computeOutputShape(
    inputShape: SymbolicShape | SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    const [batch, steps] = this.sequenceShape(inputShape) as [number | null, number | null];
    const output: SymbolicShape = this.returnSequences
      ? [batch, steps, this.units]
      : [batch, this.units];
    if (!this.returnState) return output;
    return [output, ...Array.from({ length: this.stateCount }, () => [batch, this.units])];
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      ...this.kernelParams.config('kernel'),
      ...this.recurrentParams.config('recurrent'),
      ...this.biasParams.config('bias'),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      seed: this.seeds.seed ?? null,
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      zero_output_for_mask: this.zeroOutputForMask,
      stateful: this.stateful,
      unroll: this.unroll,
    };
  }
}
