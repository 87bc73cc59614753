/**
 * Dispatch and recording: runs kernels on the current backend (or, for a fused kernel the
 * backend leaves out, its default composition of primitives) and, while a gradient tape is
 * recording, notes which kernel produced each tensor. The gradient rules themselves live above
 * the ops (`autograd/`), because they are written with ops.
 */
import type { Backend, KernelImpl, OutputInfo, TensorInfo } from '../backend/backend.js';
import { jsBackend } from '../backend/js/index.js';
import type {
  FusedKernelName,
  KernelAttrs,
  KernelInputs,
  KernelName,
  UnrecordedKernelName,
} from '../backend/kernels.js';
import { LaminaError, LaminaRangeError } from '../errors.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor, Variable, type Storage, type TapeNodeRef } from '../tensor/tensor.js';
import { defaultCompositions, primitiveOps, type Composition } from './compositions/index.js';

/**
 * What the tape records, hence what the gradient table covers: every kernel but the unrecorded
 * ones (backward and optimizer kernels), plus reshape (a view, no kernel).
 */
export type RecordedName = Exclude<KernelName, UnrecordedKernelName> | 'Reshape';
export type RecordedAttrs<P extends RecordedName> = P extends KernelName
  ? KernelAttrs<P>
  : { shape: Shape };
export type RecordedInputs<P extends RecordedName> = P extends KernelName
  ? KernelInputs<P, Tensor>
  : readonly [Tensor];

const unrecorded: ReadonlySet<string> = new Set(
  Object.keys({
    ReluGrad: true,
    ClipByValueGrad: true,
    PenaltyGradAdd: true,
    WeightGradPenalty: true,
    Conv2DBackpropFilter: true,
    DepthwiseConv2DBackpropInput: true,
    DepthwiseConv2DBackpropFilter: true,
    MaxPoolGrad: true,
    MaxPoolReluGrad: true,
    AvgPoolGrad: true,
    RecurrentSequenceGrad: true,
    Axpby: true,
    AxpbySquare: true,
    AdamStep: true,
    RmsStep: true,
  } satisfies Record<UnrecordedKernelName, true>),
);

export type CustomGradFn = (dy: Tensor) => readonly (Tensor | null)[];

export interface TapeNode extends TapeNodeRef {
  readonly primitive: RecordedName | 'Custom';
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly output: Tensor;
  readonly customGrad: CustomGradFn | null;
}

export interface Tape {
  readonly id: number;
  /** Tensors whose gradients were asked for. */
  readonly watched: Set<number>;
  /** Whether trainable variables read inside the tape are watched automatically. */
  readonly watchVariables: boolean;
  /** Trainable variables the recorded computation read, in first-use order. */
  readonly variables: Set<Variable>;
  /** Recorded nodes, in creation (hence topological) order. */
  readonly nodes: TapeNode[];
}

const backends = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
let current: Backend = jsBackend;

/** `null` entries are `noGrad` scopes, which pause recording. */
const tapeStack: (Tape | null)[] = [];
let nextTapeId = 1;

/** The kernels every backend must implement: those without a default composition. */
const primitiveKernels = (Object.keys(jsBackend.kernels) as KernelName[]).filter(
  (name) => !Object.prototype.hasOwnProperty.call(defaultCompositions, name),
);

/**
 * Makes a backend available to `setBackend`. It must implement every primitive kernel; the fused
 * kernels it leaves out run as their default compositions.
 */
export function registerBackend(backend: Backend): void {
  const missing = primitiveKernels.filter((name) => typeof backend.kernels[name] !== 'function');
  if (missing.length > 0) {
    throw new LaminaError(
      'invalid-argument',
      `registerBackend: backend '${backend.name}' must implement every primitive kernel; missing: ${missing.join(', ')}`,
    );
  }
  backends.set(backend.name, backend);
}

/** Chooses the backend for subsequent ops. Existing tensors move over lazily on first use. */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (b === undefined) {
    throw new LaminaError(
      'invalid-argument',
      `setBackend: unknown backend '${name}'; registered: ${[...backends.keys()].join(', ')}`,
    );
  }
  current = b;
}

export function getBackend(): string {
  return current.name;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** Wraps freshly computed values into a tensor on the current backend. */
export function fromValues(values: TypedArray, shape: Shape, dtype: DType): Tensor {
  return new Tensor({ backend: current, data: current.write(values) }, shape, dtype);
}

function storageOn(t: Tensor, backend: Backend): Storage {
  if (t.storage.backend !== backend) {
    const values = t.storage.backend.read(t.storage.data).slice();
    t.storage = { backend, data: backend.write(values) };
  }
  return t.storage;
}

function activeTape(): Tape | null {
  return tapeStack.length === 0 ? null : (tapeStack[tapeStack.length - 1] ?? null);
}

/** Whether gradients must flow through `t` on `tape`; notes variables it meets. */
export function isTracked(tape: Tape, t: Tensor): boolean {
  if (t.node !== null && t.node.tapeId === tape.id) return true;
  if (tape.watched.has(t.id)) return true;
  if (tape.watchVariables && t instanceof Variable && t.trainable && t.dtype === 'float32') {
    tape.variables.add(t);
    return true;
  }
  return false;
}

function record(
  primitive: KernelName | 'Reshape' | 'Custom',
  inputs: readonly Tensor[],
  attrs: unknown,
  output: Tensor,
  customGrad: CustomGradFn | null,
): void {
  const tape = activeTape();
  if (tape === null) return;
  let tracked = false;
  for (const x of inputs) if (isTracked(tape, x)) tracked = true;
  if (!tracked) return;
  if (unrecorded.has(primitive)) {
    // Only backward passes (tape paused) and optimizers (noGrad) run these: none has a rule.
    throw new LaminaError(
      'invalid-state',
      `${primitive}: this kernel is not differentiable (it runs only in backward passes and optimizer updates); differentiate the op it is the gradient or update of, or wrap the call in noGrad`,
    );
  }
  const node: TapeNode = {
    tapeId: tape.id,
    primitive: primitive as TapeNode['primitive'],
    inputs,
    attrs,
    output,
    customGrad,
  };
  output.node = node;
  tape.nodes.push(node);
}

/**
 * The most elements one tensor may have: no backend can allocate more (a wasm32 memory holds at
 * most 2^30 float32, Node's typed arrays at most 2^32 elements). An op whose output would be
 * larger (a padding of 1e9) is refused before allocating, naming the op, rather than failing
 * inside the allocator ("Invalid typed array length"). Below it, the wasm backend's own
 * out-of-memory error names the kernel and the bytes it could not get.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 32;

/** Runs a kernel on the current backend; the op has already validated inputs and computed `out`. */
export function runKernel<K extends KernelName>(
  name: K,
  inputs: KernelInputs<K, Tensor>,
  attrs: KernelAttrs<K>,
  out: OutputInfo,
): Tensor {
  let size = 1;
  for (const d of out.shape) size *= d;
  if (!(size <= MAX_TENSOR_ELEMENTS))
    throw new LaminaError(
      'too-large',
      `${name}: the output of shape [${out.shape.join(',')}] would hold ${size} values, more than the ${MAX_TENSOR_ELEMENTS} a tensor may hold`,
    );
  const backend = current;
  const impl = backend.kernels[name] as KernelImpl<K> | undefined;
  let output: Tensor;
  if (impl === undefined) {
    output = compose(backend, name, inputs, attrs, out);
  } else {
    const infos = (inputs as readonly Tensor[]).map((t): TensorInfo => {
      const s = storageOn(t, backend);
      return { data: s.data, shape: t.shape, dtype: t.dtype };
    }) as unknown as KernelInputs<K, TensorInfo>;
    output = new Tensor({ backend, data: impl(infos, attrs, out) }, out.shape, out.dtype);
  }
  record(name, inputs as readonly Tensor[], attrs, output, null);
  return output;
}

/**
 * `t`, the output of a kernel run with `transient` (`OutputInfo`), is never read again: its
 * backend may drop it without writing it out (the wasm backend's copy-out to JS).
 */
export function releaseTransient(t: Tensor): void {
  (t.storage.backend as Backend).release?.(t.storage.data);
}

const compositionOps = primitiveOps(runKernel, (values, shape) =>
  fromValues(values, shape, 'float32'),
);

/** A fused kernel the backend leaves out, as its default composition (never recorded inside). */
function compose<K extends KernelName>(
  backend: Backend,
  name: K,
  inputs: KernelInputs<K, Tensor>,
  attrs: KernelAttrs<K>,
  out: { shape: Shape; dtype: DType },
): Tensor {
  if (!Object.prototype.hasOwnProperty.call(defaultCompositions, name)) {
    throw new LaminaError(
      'unsupported',
      `${name}: backend '${backend.name}' does not implement this primitive kernel`,
    );
  }
  const composition = defaultCompositions[name as K & FusedKernelName] as unknown as Composition<
    K & FusedKernelName
  >;
  const result = withTape(null, () =>
    composition(
      compositionOps,
      inputs as KernelInputs<K & FusedKernelName, Tensor>,
      attrs as KernelAttrs<K & FusedKernelName>,
      out,
    ),
  );
  return new Tensor(result.storage, out.shape, out.dtype);
}

/** A tensor sharing `x`'s storage under a new shape of the same size. */
export function reshapeView(x: Tensor, shape: Shape): Tensor {
  const output = new Tensor(x.storage, shape, x.dtype);
  record('Reshape', [x], { shape }, output, null);
  return output;
}

/**
 * Rows [start, start + count) of `x` along its first axis: a contiguous range of its values, so
 * on a backend with views (`Backend.view`) the result shares x's storage instead of copying it;
 * elsewhere the Slice kernel copies. Recorded as that slice either way (its gradient pads).
 */
export function leadingSlice(x: Tensor, start: number, count: number): Tensor {
  const rows = x.shape[0];
  if (rows === undefined || !(start >= 0 && count >= 0 && start + count <= rows)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `leadingSlice: expected rows [${start}, ${start + count}) within the first axis of a tensor of shape [${x.shape.join(',')}]`,
    );
  }
  const shape = [count, ...x.shape.slice(1)];
  const attrs = {
    begin: x.shape.map((_, i) => (i === 0 ? start : 0)),
    strides: x.shape.map(() => 1),
  };
  const backend = current;
  if (backend.view === undefined) return runKernel('Slice', [x], attrs, { shape, dtype: x.dtype });
  const rowSize = sizeOf(shape.slice(1));
  const data = backend.view(storageOn(x, backend).data, start * rowSize, count * rowSize);
  const output = new Tensor({ backend, data }, shape, x.dtype);
  record('Slice', [x], attrs, output, null);
  return output;
}

/** The same values with no gradient history: gradients do not flow through the result. */
export function stopGradient(x: Tensor): Tensor {
  return new Tensor(x.storage, x.shape, x.dtype);
}

/** Records `output` as computed from `inputs` by a user-supplied gradient (customGrad). */
export function recordCustom(
  inputs: readonly Tensor[],
  output: Tensor,
  grad: CustomGradFn,
): Tensor {
  const wrapped = new Tensor(output.storage, output.shape, output.dtype);
  record('Custom', inputs, null, wrapped, grad);
  return wrapped;
}

export function newTape(watched: readonly Tensor[], watchVariables: boolean): Tape {
  return {
    id: nextTapeId++,
    watched: new Set(watched.map((t) => t.id)),
    watchVariables,
    variables: new Set(),
    nodes: [],
  };
}

/** Runs `f` with `tape` recording (or, for `null`, with recording paused). */
export function withTape<T>(tape: Tape | null, f: () => T): T {
  tapeStack.push(tape);
  try {
    return f();
  } finally {
    tapeStack.pop();
  }
}

/** Whether ops run now are being recorded for gradients. */
export function isRecording(): boolean {
  return activeTape() !== null;
}
