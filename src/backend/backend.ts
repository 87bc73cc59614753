/**
 * The backend seam.
 *
 * A backend owns the memory behind tensors and runs kernels on it; it knows nothing of autodiff,
 * layers or validation. Everything above the seam sees only opaque `DataHandle`s.
 *
 * Memory ownership: `write` hands the backend a typed array (the backend may keep it or copy it
 * into its own memory); a kernel returns a new handle for its output and never mutates inputs.
 * Tensors are immutable, so handles may be shared (reshape shares its input's handle). No one
 * frees handles explicitly. A backend whose memory is not garbage collected (WebAssembly linear
 * memory) must not depend on the JS collector reporting dead handles: finalizers never run and
 * WeakRef.deref keeps its target alive inside a synchronous loop. The wasm backend therefore keeps
 * every value in a JS array and uses linear memory as a cache it can reset at any time.
 *
 * Output shapes and dtypes are computed and validated by the ops; a kernel receives them in
 * `out` and may trust its inputs.
 *
 * The contract is the primitive kernels (`PrimitiveKernelName`). The fused kernels
 * (`FusedKernelName`: bias + activation, penalties, optimizer updates, recurrent sequences) are
 * optional: where a backend leaves one out, the engine runs a default composition of primitives
 * (`engine/compositions/`), so a backend implements a fusion only to make it faster.
 * docs/backend.md, "Writing a backend", walks through it.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { DataHandle, StorageOwner } from '../tensor/tensor.js';
import type {
  ArityInputs,
  FusedKernelName,
  KernelName,
  KernelSpecs,
  PrimitiveKernelName,
  Spec,
} from './kernels.js';

export type { DataHandle };

/** What a kernel sees of a tensor. */
export interface TensorInfo {
  readonly data: DataHandle;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface OutputInfo {
  readonly shape: Shape;
  readonly dtype: DType;
  /**
   * A value that its caller reads only through the kernels it runs next and then releases
   * (`Backend.release`): an intermediate gradient of backpropagation. A backend may put off
   * writing it to where it keeps values for good, and never write it once released.
   */
  readonly transient?: boolean;
}

/** A kernel for a spec: inputs as a tuple, attributes, and the output's shape and dtype. */
export type ImplOf<S extends Spec<1 | 2 | 3 | 'n', unknown>> = (
  inputs: ArityInputs<S['arity'], TensorInfo>,
  attrs: S['attrs'],
  out: OutputInfo,
) => DataHandle;

export type KernelImpl<K extends KernelName> = ImplOf<KernelSpecs[K]>;

/** Every kernel of the list (the reference backend's table). */
export type KernelTable = { readonly [K in KernelName]: KernelImpl<K> };

/** What a backend provides: every primitive kernel, and the fused kernels it chooses to. */
export type BackendKernels = { readonly [K in PrimitiveKernelName]: KernelImpl<K> } & {
  readonly [K in FusedKernelName]?: KernelImpl<K>;
};

export interface Backend extends StorageOwner {
  readonly name: string;
  /** Takes ownership of `values` (the caller never touches them again). */
  write(values: TypedArray): DataHandle;
  /** The values behind a handle; the caller must not mutate the returned array. */
  read(handle: DataHandle): TypedArray;
  /**
   * Optional: a handle on elements [offset, offset + length) of `handle`'s values that shares
   * its storage (no copy). Tensors are immutable, so the two never diverge. The engine uses it
   * for contiguous parts of one kernel's output (a recurrent sequence's gradients); a backend
   * without it has those parts copied out by its Slice kernel.
   */
  view?(handle: DataHandle, offset: number, length: number): DataHandle;
  /**
   * Optional: the value behind `handle`, the output of a kernel run with `transient`, will not be
   * read again (a backend that put off writing it can drop it).
   */
  release?(handle: DataHandle): void;
  readonly kernels: BackendKernels;
}
