/**
 * The options of `Layer.apply`: each layer names the keys it understands, and an unknown key is
 * refused (a misspelt `initalState` would otherwise be dropped and the layer run without it).
 * `initialState` (recurrent layers, as Keras's `initial_state`) is turned here into extra inputs
 * after the sequence, the form `call` receives and a functional node records.
 */
import { LaminaError, LaminaRangeError, LaminaTypeError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { unknownOptionMessage, showJson } from '../../validation/options.js';
import { SymbolicTensor } from './symbolic.js';

/** The keys every layer accepts in `apply`'s options. */
export const BASE_CALL_OPTIONS: readonly string[] = ['training', 'mask'];

/**
 * Throws naming the first key of `options` that is not in `valid`, with the nearest valid key;
 * `training`, when present, must be a boolean (a string 'true' would otherwise read as false).
 */
export function checkCallOptions(options: object, valid: readonly string[], where: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: options must be an object such as { training: true }, received ${Array.isArray(options) ? 'an array' : String(options)}`,
    );
  }
  const training = (options as { training?: unknown }).training;
  if (training !== undefined && typeof training !== 'boolean') {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: options.training must be a boolean (or absent), received ${showJson(training) ?? typeof training}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    throw new LaminaError('unknown-option', unknownOptionMessage(key, valid, where));
  }
}

export type StateLike = Tensor | SymbolicTensor;

/**
 * The inputs with the initial states appended ([sequence, ...states]) and how many states were
 * appended. `inputs` may already hold states (`apply([x, h, c])`); those stay where they are.
 */
export function withInitialState<T extends StateLike>(
  inputs: T | readonly T[],
  initialState: StateLike | readonly StateLike[] | undefined,
  where: string,
): { inputs: T | T[]; stateCount: number } {
  if (initialState === undefined || initialState === null)
    return { inputs: inputs as T | T[], stateCount: 0 };
  const states = Array.isArray(initialState)
    ? (initialState as readonly unknown[])
    : [initialState as unknown];
  const list = (Array.isArray(inputs) ? inputs : [inputs]) as readonly T[];
  const symbolic = list[0] instanceof SymbolicTensor;
  states.forEach((s, i) => {
    const ok = symbolic ? s instanceof SymbolicTensor : s instanceof Tensor;
    if (!ok) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: initialState[${i}] must be a ${symbolic ? 'SymbolicTensor (the inputs are symbolic)' : 'Tensor (the inputs are tensors)'}, received ${describe(s)}`,
      );
    }
  });
  if (states.length === 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: initialState is an empty list; omit it to start from zeros`,
    );
  return { inputs: [...list, ...(states as T[])], stateCount: states.length };
}

function describe(x: unknown): string {
  if (x instanceof Tensor) return 'a Tensor';
  if (x instanceof SymbolicTensor) return 'a SymbolicTensor';
  return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
}
