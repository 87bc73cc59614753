/**
 * The one gradient table: a rule for every kernel the tape records (every kernel but the
 * backward and optimizer ones, plus reshape), checked by the type system, so that adding a
 * differentiable kernel without a gradient rule does not compile. Rules take one context
 * (`GradContext`: dy, inputs, attrs, output, needs).
 */
import type { RecordedName } from '../../engine/engine.js';
import { convGradients } from './conv.js';
import { binaryGradients, unaryGradients } from './elementwise.js';
import { fusedGradients } from './fused.js';
import { linalgGradients } from './linalg.js';
import { movementGradients } from './movement.js';
import { recurrentGradients } from './recurrent.js';
import { reductionGradients } from './reduction.js';
import type { GradTable } from './types.js';

export const gradients: GradTable<RecordedName> = {
  ...unaryGradients,
  ...binaryGradients,
  ...reductionGradients,
  ...movementGradients,
  ...linalgGradients,
  ...convGradients,
  ...fusedGradients,
  ...recurrentGradients,
};

export { penaltyFolds, reluFolds } from './fused.js';
export {
  releaseUnlessReturned,
  sumToShape,
  type DeferredGrad,
  type GradContext,
  type GradFn,
} from './types.js';
export { PenaltyGradTerm, type PenaltyFold } from './term.js';
export { MaxPoolGradTerm, type ReluFold } from './relu-pool.js';
