/**
 * The one gradient table: a rule for every primitive (kernels plus reshape), checked by the type
 * system, so that adding a kernel without a gradient rule does not compile.
 */
import type { PrimitiveName } from '../../engine/engine.js';
import { convGradients } from './conv.js';
import { binaryGradients, unaryGradients } from './elementwise.js';
import { fusedGradients } from './fused.js';
import { linalgGradients } from './linalg.js';
import { movementGradients } from './movement.js';
import { optimizerGradients } from './optimizer.js';
import { recurrentGradients } from './recurrent.js';
import { reductionGradients } from './reduction.js';
import type { GradTable } from './types.js';

export const gradients: GradTable<PrimitiveName> = {
  ...unaryGradients,
  ...binaryGradients,
  ...reductionGradients,
  ...movementGradients,
  ...linalgGradients,
  ...convGradients,
  ...optimizerGradients,
  ...fusedGradients,
  ...recurrentGradients,
};

export { sumToShape, type GradFn } from './types.js';
export { Absorbed, PenaltyGradTerm, type GradContribution } from './term.js';
