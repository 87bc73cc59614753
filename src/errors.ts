/**
 * Lamina's error type. Every problem found while reading a model, its weights or a checkpoint
 * (malformed JSON, unknown class, missing or mis-shaped weight, truncated file...) is a
 * `LaminaError` whose message names the layer and what was expected, and whose `code` says
 * which kind of problem it is. API misuse caught at the boundary (an unknown option, an option
 * of the wrong type or range, a call at the wrong time) is one too: 'unknown-option',
 * 'invalid-argument', 'invalid-state'; a kernel that cannot get the memory it needs is
 * 'out-of-memory'.
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
  | 'out-of-memory';

export class LaminaError extends Error {
  override readonly name = 'LaminaError';

  constructor(
    readonly code: LaminaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function toLaminaError(e: unknown, code: LaminaErrorCode, where: string): LaminaError {
  if (e instanceof LaminaError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new LaminaError(code, `${where}: ${message}`, { cause: e });
}
