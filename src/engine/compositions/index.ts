/**
 * The default composition of every fused kernel (`FusedKernelName`), which the engine runs where
 * the current backend leaves that kernel out. Typed exhaustively: a fused kernel added to
 * `backend/kernels.ts` without a composition here does not compile.
 */
import type { FusedKernelName } from '../../backend/kernels.js';
import { fusedCompositions } from './fused.js';
import { optimizerCompositions } from './optimizer.js';
import { recurrentCompositions } from './recurrent.js';
import type { CompositionTable } from './types.js';

export const defaultCompositions: CompositionTable<FusedKernelName> = {
  ...optimizerCompositions,
  ...fusedCompositions,
  ...recurrentCompositions,
};

export { primitiveOps, type PrimitiveOps, type RunKernel } from './primitives.js';
export type { Composition, CompositionTable } from './types.js';
