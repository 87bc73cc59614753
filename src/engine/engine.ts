/**
 * Dispatch and recording: runs kernels on the current backend and, while a gradient tape is
 * recording, notes which primitive produced each tensor. The gradient rules themselves live
 * above the ops (`autograd/`), because they are written with ops.
 */
import type { Backend, TensorInfo } from '../backend/backend.js';
import { jsBackend } from '../backend/js/index.js';
import type { KernelAttrs, KernelInputs, KernelName } from '../backend/kernels.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor, Variable, type Storage, type TapeNodeRef } from '../tensor/tensor.js';
import { LaminaError } from '../errors.js';

/** Primitives the gradient table covers: every kernel, plus reshape (a view, no kernel). */
export type PrimitiveName = KernelName | 'Reshape';
export type PrimitiveAttrs<P extends PrimitiveName> = P extends KernelName
  ? KernelAttrs<P>
  : { shape: Shape };
export type PrimitiveInputs<P extends PrimitiveName> = P extends KernelName
  ? KernelInputs<P, Tensor>
  : readonly [Tensor];

export type CustomGradFn = (dy: Tensor) => readonly (Tensor | null)[];

export interface TapeNode extends TapeNodeRef {
  readonly primitive: PrimitiveName | 'Custom';
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

export function registerBackend(backend: Backend): void {
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
  primitive: TapeNode['primitive'],
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
  const node: TapeNode = { tapeId: tape.id, primitive, inputs, attrs, output, customGrad };
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
  out: { shape: Shape; dtype: DType },
): Tensor {
  let size = 1;
  for (const d of out.shape) size *= d;
  if (!(size <= MAX_TENSOR_ELEMENTS))
    throw new LaminaError(
      'too-large',
      `${name}: the output of shape [${out.shape.join(',')}] would hold ${size} values, more than the ${MAX_TENSOR_ELEMENTS} a tensor may hold`,
    );
  const backend = current;
  const infos = (inputs as readonly Tensor[]).map((t): TensorInfo => {
    const s = storageOn(t, backend);
    return { data: s.data, shape: t.shape, dtype: t.dtype };
  }) as unknown as KernelInputs<K, TensorInfo>;
  const data = backend.kernels[name](infos, attrs, out);
  const output = new Tensor({ backend, data }, out.shape, out.dtype);
  record(name, inputs as readonly Tensor[], attrs, output, null);
  return output;
}

/** A tensor sharing `x`'s storage under a new shape of the same size. */
export function reshapeView(x: Tensor, shape: Shape): Tensor {
  const output = new Tensor(x.storage, shape, x.dtype);
  record('Reshape', [x], { shape }, output, null);
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
