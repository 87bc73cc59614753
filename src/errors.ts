/**
 * Lamina's error type. Every error Lamina throws on purpose is `instanceof LaminaError` and has a
 * `code` saying which kind of problem it is; its message names what was expected, what was
 * received, and where (the op, layer, option or file).
 *
 * Reading a model, its weights or a checkpoint: 'malformed-json', 'unknown-class',
 * 'missing-weight', 'weight-shape', 'truncated-data', ... API misuse caught at the boundary:
 * 'unknown-option', 'invalid-argument' (a value of the wrong type or range), 'invalid-state' (a
 * call at the wrong time, e.g. `fit` before `compile`). A kernel that cannot get the memory it
 * needs: 'out-of-memory'. A broken internal invariant (a bug in Lamina, not in the caller's
 * code): 'internal'.
 *
 * Errors that were a `TypeError` or `RangeError` before Lamina had one error type still are:
 * `LaminaTypeError` extends TypeError and `LaminaRangeError` extends RangeError, and both are
 * `instanceof LaminaError` too (JavaScript has single inheritance, so LaminaError recognizes
 * them by a brand on their prototypes). `catch (e) { if (e instanceof LaminaError) ... }` sees
 * every one; code written against the built-in classes keeps working.
 */
export type LaminaErrorCode =
  | 'malformed-json'
  | 'invalid-config'
  | 'unknown-class'
  | 'missing-weight'
  | 'unexpected-weight'
  | 'weight-shape'
  | 'weight-dtype'
  | 'truncated-data'
  | 'corrupt-data'
  | 'too-large'
  | 'non-finite'
  | 'unsupported'
  | 'no-topology'
  | 'io'
  | 'unknown-option'
  | 'invalid-argument'
  | 'invalid-state'
  | 'out-of-memory'
  | 'internal';

// Symbol.for, so that two copies of lamina-nn in one program recognize each other's errors.
const LAMINA_BRAND = Symbol.for('lamina-nn.LaminaError');

function isBranded(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    LAMINA_BRAND in value
  );
}

export class LaminaError extends Error {
  declare readonly code: LaminaErrorCode;

  constructor(code: LaminaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'code', { value: code, enumerable: true });
  }

  /** True for every Lamina error, LaminaTypeError and LaminaRangeError included. */
  static override [Symbol.hasInstance](value: unknown): value is LaminaError {
    // A subclass of LaminaError keeps ordinary prototype-chain semantics.
    if (this !== LaminaError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isBranded(value);
  }
}

/** A LaminaError for a value of the wrong type; also `instanceof TypeError`. */
export class LaminaTypeError extends TypeError {
  declare readonly code: LaminaErrorCode;

  constructor(code: LaminaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'code', { value: code, enumerable: true });
  }
}

/** A LaminaError for a value out of its range; also `instanceof RangeError`. */
export class LaminaRangeError extends RangeError {
  declare readonly code: LaminaErrorCode;

  constructor(code: LaminaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'code', { value: code, enumerable: true });
  }
}

// Names spelled out: a bundler may rename the classes (esbuild makes `_LaminaError`).
for (const [type, name] of [
  [LaminaError, 'LaminaError'],
  [LaminaTypeError, 'LaminaTypeError'],
  [LaminaRangeError, 'LaminaRangeError'],
] as const) {
  Object.defineProperty(type.prototype, LAMINA_BRAND, { value: true });
  Object.defineProperty(type.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
  });
}

// Codes that say "this argument / this call was wrong" without saying where: inside a loader
// they become the loader's code (usually 'invalid-config'), prefixed by what was being read.
const CONTEXT_FREE_CODES: ReadonlySet<LaminaErrorCode> = new Set([
  'invalid-argument',
  'invalid-state',
]);

/**
 * `e` as a LaminaError of `code`, its message prefixed by `where`. A LaminaError with a specific
 * code (a missing weight, an unknown class...) passes through unchanged; one that only says an
 * argument was invalid gets the loader's code and `where`.
 */
export function toLaminaError(e: unknown, code: LaminaErrorCode, where: string): LaminaError {
  if (e instanceof LaminaError && !CONTEXT_FREE_CODES.has(e.code)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new LaminaError(code, `${where}: ${message}`, { cause: e });
}
