/**
 * The one typed list of kernels: every primitive a backend must implement, with its inputs and
 * attributes. Ops validate arguments and compute output shapes before a kernel runs, so kernels
 * may trust what they receive. Composite ops (mean, softmax cross-entropy, stack, ...) are built
 * from these in `ops/` and need no kernel of their own.
 *
 * Adding a kernel here is a compile error until the reference backend implements it, the gradient
 * table (`autograd/gradients/`) gives it a rule (unless it is an `UnrecordedKernelName`) and,
 * for a fused kernel (`FusedKernelName`), the engine has a default composition of primitives.
 */

type NoAttrs = Record<string, never>;

export interface Spec<Arity extends 1 | 2 | 3 | 'n', Attrs> {
  arity: Arity;
  attrs: Attrs;
}

export type UnarySpec = Spec<1, NoAttrs>;
export type BinarySpec = Spec<2, NoAttrs>;
type Unary = UnarySpec;
type Binary = BinarySpec;

/** Explicit padding of the two spatial dimensions, computed by the op from 'same'/'valid'. */
export interface Padding2D {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface Conv2DAttrs {
  strides: readonly [number, number];
  dilations: readonly [number, number];
  pad: Padding2D;
}

export interface PoolAttrs {
  filterSize: readonly [number, number];
  strides: readonly [number, number];
  pad: Padding2D;
}

export interface UnaryKernels {
  Neg: Unary;
  Abs: Unary;
  Sign: Unary;
  Exp: Unary;
  Log: Unary;
  Log1p: Unary;
  Sqrt: Unary;
  Rsqrt: Unary;
  Square: Unary;
  Reciprocal: Unary;
  Floor: Unary;
  Ceil: Unary;
  Round: Unary;
  Sin: Unary;
  Cos: Unary;
  Erf: Unary;
  Relu: Unary;
  Relu6: Unary;
  LeakyRelu: Spec<1, { alpha: number }>;
  Elu: Unary;
  Sigmoid: Unary;
  Tanh: Unary;
  Softplus: Unary;
  LogicalNot: Unary;
  Cast: Spec<1, { dtype: 'float32' | 'int32' | 'bool' }>;
  ClipByValue: Spec<1, { min: number; max: number }>;
}

export interface BinaryKernels {
  Add: Binary;
  Sub: Binary;
  Mul: Binary;
  Div: Binary;
  Pow: Binary;
  Maximum: Binary;
  Minimum: Binary;
  Equal: Binary;
  NotEqual: Binary;
  Greater: Binary;
  GreaterEqual: Binary;
  Less: Binary;
  LessEqual: Binary;
  LogicalAnd: Binary;
  LogicalOr: Binary;
  /** condition (bool), a, b; all three broadcast together. */
  Where: Spec<3, NoAttrs>;
}

export interface ReductionKernels {
  /** Reduce over `axes` (sorted, unique); the output drops those axes. */
  Sum: Spec<1, { axes: readonly number[] }>;
  Prod: Spec<1, { axes: readonly number[] }>;
  Max: Spec<1, { axes: readonly number[] }>;
  Min: Spec<1, { axes: readonly number[] }>;
  /** Index (int32) of the first maximum along one axis. */
  ArgMax: Spec<1, { axis: number }>;
  ArgMin: Spec<1, { axis: number }>;
  Softmax: Spec<1, { axis: number }>;
  LogSoftmax: Spec<1, { axis: number }>;
}

export interface MovementKernels {
  Transpose: Spec<1, { perm: readonly number[] }>;
  /** Elements begin[d] + i * strides[d] for i < outShape[d]; strides are positive. */
  Slice: Spec<1, { begin: readonly number[]; strides: readonly number[] }>;
  /** Pads with `value`: `before`/`after` elements at the edges, `interior` between neighbours. */
  Pad: Spec<
    1,
    {
      before: readonly number[];
      after: readonly number[];
      interior: readonly number[];
      value: number;
    }
  >;
  Concat: Spec<'n', { axis: number }>;
  /** x, indices (int32, any shape): indices replace dimension `axis` of x. */
  Gather: Spec<2, { axis: number }>;
  /** updates, indices (int32): sums updates into a zero tensor whose dimension `axis` is `size`. */
  ScatterAdd: Spec<2, { axis: number; size: number }>;
  Tile: Spec<1, { reps: readonly number[] }>;
  Reverse: Spec<1, { axes: readonly number[] }>;
  /** indices (int32) -> float32 with a new last dimension of `depth`. */
  OneHot: Spec<1, { depth: number; onValue: number; offValue: number }>;
}

export interface LinalgKernels {
  /**
   * Batched product of [batchA, m, k] and [batchB, k, n] (after optional transposes of the last
   * two dimensions); batchA and batchB are equal or one of them is 1.
   */
  BatchMatMul: Spec<2, { transposeA: boolean; transposeB: boolean }>;
}

export interface ConvKernels {
  /** x [n,h,w,cin], filter [fh,fw,cin,cout] (NHWC, as Keras). */
  Conv2D: Spec<2, Conv2DAttrs>;
  /** dy [n,oh,ow,cout], filter -> dx of shape `inputShape` (also conv2dTranspose). */
  Conv2DBackpropInput: Spec<2, Conv2DAttrs & { inputShape: readonly number[] }>;
  /** x, dy -> dFilter of shape `filterShape`. */
  Conv2DBackpropFilter: Spec<2, Conv2DAttrs & { filterShape: readonly number[] }>;
  /** x [n,h,w,cin], filter [fh,fw,cin,multiplier] -> [n,oh,ow,cin*multiplier]. */
  DepthwiseConv2D: Spec<2, Conv2DAttrs>;
  DepthwiseConv2DBackpropInput: Spec<2, Conv2DAttrs & { inputShape: readonly number[] }>;
  DepthwiseConv2DBackpropFilter: Spec<2, Conv2DAttrs & { filterShape: readonly number[] }>;
  MaxPool: Spec<1, PoolAttrs>;
  /** x, dy -> dx: each output's gradient goes to the first maximum of its window. */
  MaxPoolGrad: Spec<2, PoolAttrs>;
  /** Averages over the valid (unpadded) part of each window, as Keras and TensorFlow do. */
  AvgPool: Spec<1, PoolAttrs>;
  AvgPoolGrad: Spec<1, PoolAttrs & { inputShape: readonly number[] }>;
}

/**
 * Fused optimizer updates: one pass and one output instead of a chain of elementwise kernels
 * (each of which costs a pass over the variable and, on the wasm backend, a copy-out to JS).
 * Every input is float32 and of the output's shape (no broadcasting); the scalars are float32
 * (rounded with `Math.fround`) and every step is rounded to float32 in the order written, so
 * backends agree bit for bit. Never recorded (optimizer updates run inside `noGrad`), so they
 * have no gradient rule (`UnrecordedKernelName`).
 */
export interface OptimizerKernels {
  /** x, y -> a * x + b * y (first moments, momentum, plain descent). */
  Axpby: Spec<2, { a: number; b: number }>;
  /** x, y -> a * x + b * (y * y) (second moments, Adagrad's accumulator). */
  AxpbySquare: Spec<2, { a: number; b: number }>;
  /** w, m, v -> w - (m * lr) / (sqrt(v) + eps) (Adam's step, lr bias-corrected by the caller). */
  AdamStep: Spec<3, { lr: number; eps: number }>;
  /** x, g, v -> a * x - (g * lr) / sqrt(v + eps) (RMSprop's and Adagrad's step). */
  RmsStep: Spec<3, { a: number; lr: number; eps: number }>;
}

/**
 * Fused steps of backpropagation and of weight/activity penalties: one pass and one output where
 * the elementwise formulation runs two to four kernels (each a pass over the tensor and, on the
 * wasm backend, a copy-out to JS). Inputs are float32 and of one shape (no broadcasting), except
 * BiasActivation's bias.
 */
export interface FusedKernels {
  /**
   * x [..., n], bias [n] -> activation(x + bias) (a layer's bias and activation in one pass);
   * relu as the Relu kernel (NaN stays NaN, -0 becomes +0).
   */
  BiasActivation: Spec<2, { activation: 'linear' | 'relu' }>;
  /**
   * a [m, k], b [k, n], bias [n] -> activation(a b + bias): a Dense layer in one kernel (one
   * output written and handed back, not two); the values of BatchMatMul then BiasActivation.
   */
  MatMulBiasActivation: Spec<3, { activation: 'linear' | 'relu' }>;
  /** x, filter, bias -> activation(conv2d(x, filter) + bias): Conv2D then BiasActivation, fused. */
  Conv2DBiasActivation: Spec<3, Conv2DAttrs & { activation: 'linear' | 'relu' }>;
  /** dy, x -> dy where min <= x <= max, else 0 (the gradient of ClipByValue; NaN x gives 0). */
  ClipByValueGrad: Spec<2, { min: number; max: number }>;
  /** dy, x -> dy where x > 0, else 0 (the gradient of relu, as TensorFlow's ReluGrad). */
  ReluGrad: Spec<2, NoAttrs>;
  /**
   * x (a relu's output), dy -> ReluGrad(MaxPoolGrad(x, dy), x): max pooling's gradient with the
   * relu's before it, in one pass; a window's gradient goes to its chosen element (as
   * MaxPoolGrad picks it) only where that element is > 0.
   */
  MaxPoolReluGrad: Spec<2, PoolAttrs>;
  /**
   * x -> the scalar l1 * sum(|x|) + l2 * sum(x^2); a term whose factor is 0 is left out (so it
   * is exactly 0, as in Keras). Sums are accumulated in float64 and rounded once to float32.
   */
  Penalty: Spec<1, { l1: number; l2: number }>;
  /**
   * g, x -> g + (a * sign(x) + b * x): adds an L1/L2 penalty's gradient to a gradient in one
   * pass. Every step is rounded to float32 in the order written (scalars included).
   */
  PenaltyGradAdd: Spec<2, { a: number; b: number }>;
  /**
   * x [m, k], dz [m, n], w [k, n] -> x^T dz + (a * sign(w) + b * w): a Dense kernel's gradient
   * with its L1/L2 penalty's gradient in the same kernel (on wasm the penalty term initialises the
   * product's output, so no extra pass or output). Agrees with PenaltyGradAdd after the product
   * to rounding (the additions run in another order).
   */
  WeightGradPenalty: Spec<3, { a: number; b: number }>;
}

/** The cell a fused recurrent sequence runs (GRU in either reset convention). */
export type RecurrentCell = 'simple' | 'lstm' | 'gru' | 'gruResetAfter';

/** The activations the fused recurrent kernels compute themselves (others run step by step). */
export type RecurrentActivation = 'tanh' | 'sigmoid' | 'relu' | 'linear';

export interface RecurrentAttrs {
  cell: RecurrentCell;
  /** The candidate / output activation (Keras's `activation`). */
  activation: RecurrentActivation;
  /** The gates' activation (Keras's `recurrent_activation`; unused by 'simple'). */
  recurrentActivation: RecurrentActivation;
  /** Whether a recurrent bias [G*u] follows (gruResetAfter with a bias only). */
  recurrentBias: boolean;
  /** Whether a timestep mask [T, B] (1 keep, 0 skip) follows the fixed inputs. */
  masked: boolean;
  /**
   * At a skipped step, whether a row outputs zeros (Keras's `zero_output_for_mask`) instead of
   * the state it keeps.
   */
  zeroOutputForMask: boolean;
  /** Whether a recurrent dropout mask [B, units] (already scaled) comes last. */
  recurrentDropout: boolean;
  /**
   * Whether the record keeps what backpropagation reads; without, it holds the outputs and final
   * states only (inference: less to write and hand back).
   */
  saveForBackward: boolean;
}

/** The backward kernel's attributes: the forward pass's, and what its gradient inputs hold. */
export interface RecurrentGradAttrs extends RecurrentAttrs {
  /** T: the number of steps (the record's, whether or not the outputs' gradient comes). */
  steps: number;
  /**
   * Whether d(outputs) [T, B, u] comes last; without, the outputs took no gradient (only the
   * final states did), and the kernel treats it as zeros without anyone forming them.
   */
  outputsGradient: boolean;
}

/**
 * A whole recurrent layer's sequence (after its input projection) as one kernel each way; the
 * layout of the record and of the gradient is `backend/recurrent-layout.ts`.
 */
export interface RecurrentKernels {
  /**
   * projected [T, B, G*u] (time-major, in processing order, input bias added), recurrent kernel
   * [u, G*u], h0 [B, u], then c0 [B, u] (lstm), the recurrent bias [G*u] (recurrentBias), the mask
   * [T, B] (masked), the recurrent dropout mask [B, u] (recurrentDropout) -> the flat record:
   * outputs and final states first, then what backpropagation reads.
   */
  RecurrentSequence: Spec<'n', RecurrentAttrs>;
  /**
   * d(final states) [S, B, u], the record, the recurrent kernel, then the recurrent bias, mask
   * and dropout mask as above, then d(outputs) [T, B, u] (outputsGradient) -> the flat gradient:
   * d(projected), d(recurrent kernel), d(recurrent bias) (recurrentBias), d(h0), d(c0) (lstm).
   * The two gradient inputs come apart so that neither is padded into the other's shape.
   */
  RecurrentSequenceGrad: Spec<'n', RecurrentGradAttrs>;
}

export interface KernelSpecs
  extends
    UnaryKernels,
    BinaryKernels,
    ReductionKernels,
    MovementKernels,
    LinalgKernels,
    ConvKernels,
    OptimizerKernels,
    FusedKernels,
    RecurrentKernels {}

export type KernelName = keyof KernelSpecs;

/**
 * Kernels a backend may leave out: fusions of primitives (one pass instead of several) and whole
 * recurrent sequences. The engine runs a default composition of primitive kernels for each one a
 * backend does not implement (`engine/compositions/`), so a new backend's contract is the
 * primitives; the fused kernels are how it gets faster.
 */
export type FusedKernelName = keyof (OptimizerKernels & FusedKernels & RecurrentKernels);

/** The kernels every backend implements. */
export type PrimitiveKernelName = Exclude<KernelName, FusedKernelName>;

/**
 * Kernels that only backpropagation and optimizer updates run: backward passes run with the tape
 * paused and optimizers inside `noGrad`, so these are never recorded (the engine refuses to) and
 * have no gradient rule. Conv2DBackpropInput is not among them: conv2dTranspose runs it forward.
 */
export type UnrecordedKernelName =
  | 'ReluGrad'
  | 'ClipByValueGrad'
  | 'PenaltyGradAdd'
  | 'WeightGradPenalty'
  | 'Conv2DBackpropFilter'
  | 'DepthwiseConv2DBackpropInput'
  | 'DepthwiseConv2DBackpropFilter'
  | 'MaxPoolGrad'
  | 'MaxPoolReluGrad'
  | 'AvgPoolGrad'
  | 'RecurrentSequenceGrad'
  | keyof OptimizerKernels;

export type KernelAttrs<K extends KernelName> = KernelSpecs[K]['attrs'];

/** Inputs of a given arity as a tuple of T (a Tensor above the seam, a TensorInfo below). */
export type ArityInputs<A, T> = A extends 1
  ? readonly [T]
  : A extends 2
    ? readonly [T, T]
    : A extends 3
      ? readonly [T, T, T]
      : readonly T[];

export type KernelInputs<K extends KernelName, T> = ArityInputs<KernelSpecs[K]['arity'], T>;
