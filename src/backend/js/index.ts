/**
 * The reference backend: plain TypeScript over typed arrays. It is the executable contract of
 * the kernel list and the oracle other backends are tested against.
 */
import type { Backend, KernelTable } from '../backend.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { convKernels } from './conv.js';
import { binaryKernels, unaryKernels } from './elementwise.js';
import { fusedKernels } from './fused.js';
import { linalgKernels } from './matmul.js';
import { movementKernels } from './movement.js';
import { optimizerKernels } from './optimizer.js';
import { poolKernels } from './pool.js';
import { recurrentKernels } from './recurrent.js';
import { reductionKernels } from './reduce.js';

const kernels: KernelTable = {
  ...unaryKernels,
  ...binaryKernels,
  ...reductionKernels,
  ...movementKernels,
  ...linalgKernels,
  ...convKernels,
  ...poolKernels,
  ...optimizerKernels,
  ...fusedKernels,
  ...recurrentKernels,
};

/** The reference backend: every kernel of the list, the fused ones included. */
export const jsBackend: Backend & { readonly kernels: KernelTable } = {
  name: 'js',
  write: (values: TypedArray) => values,
  read: (handle) => handle as TypedArray,
  view: (handle, offset, length) => (handle as TypedArray).subarray(offset, offset + length),
  kernels,
};
