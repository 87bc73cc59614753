/**
 * How activity penalties are normalized. Keras changed this three times, so Lamina makes it an
 * explicit choice:
 *
 * - 'batch' (default): the penalty on an output is divided by that output's batch size
 *   (`shape[0]`; an empty batch gives 0; a scalar output is not divided). This is tf.keras 2.x
 *   and Keras >= 3.14, and makes the penalty a per-sample mean, independent of the batch size.
 * - 'none': the penalty is the regularizer's value on the whole batch (Keras 3.0 to 3.13), so it
 *   grows with the batch size.
 *
 * Set the library-wide default with `setActivityNormalization`, or per layer with the layer
 * option `activityNormalization`.
 */
import { LaminaRangeError } from '../../errors.js';
import { showJson } from '../../validation/options.js';
export type ActivityNormalization = 'batch' | 'none';

let defaultNormalization: ActivityNormalization = 'batch';

export function checkActivityNormalization(value: unknown, where: string): ActivityNormalization {
  if (value !== 'batch' && value !== 'none') {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: activityNormalization must be 'batch' (divide by batch size: tf.keras, Keras >= 3.14) or 'none' (Keras 3.0-3.13), received ${showJson(value)}`,
    );
  }
  return value;
}

export function setActivityNormalization(mode: ActivityNormalization): void {
  defaultNormalization = checkActivityNormalization(mode, 'setActivityNormalization');
}

export function getActivityNormalization(): ActivityNormalization {
  return defaultNormalization;
}
