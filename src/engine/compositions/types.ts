import type { OutputInfo } from '../../backend/backend.js';
import type { FusedKernelName, KernelAttrs, KernelInputs } from '../../backend/kernels.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { PrimitiveOps } from './primitives.js';

/**
 * A fused kernel written with primitive kernels (`p`, the primitives as functions on tensors):
 * the kernel's inputs (validated by its op), attributes and output shape in, a tensor of that
 * shape out. Runs with the tape paused.
 */
export type Composition<K extends FusedKernelName> = (
  p: PrimitiveOps,
  inputs: KernelInputs<K, Tensor>,
  attrs: KernelAttrs<K>,
  out: OutputInfo,
) => Tensor;

export type CompositionTable<Names extends FusedKernelName> = {
  readonly [K in Names]: Composition<K>;
};
