/**
 * Checks of single option values, for the options objects of the public API: each names where
 * the value was given, the option, what was expected and what was received, and throws a
 * LaminaError ('invalid-argument'). A value of the wrong type is refused, never coerced (a
 * `validationSplit: '0.2'` compares as a number in JavaScript and would otherwise pass).
 * `undefined` always passes: the caller's default applies.
 */
import { LaminaError } from '../errors.js';
import { describeValue } from './options.js';

export function invalidOption(
  where: string,
  key: string,
  expected: string,
  value: unknown,
): LaminaError {
  return new LaminaError(
    'invalid-argument',
    `${where}: ${key} must be ${expected}, received ${describeValue(value)}`,
  );
}

export function checkBooleanOption(value: unknown, key: string, where: string): void {
  if (value !== undefined && typeof value !== 'boolean')
    throw invalidOption(where, key, 'true or false', value);
}

/** An integer >= `min` (a positive integer by default). */
export function checkIntegerOption(value: unknown, key: string, where: string, min = 1): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw invalidOption(
      where,
      key,
      min === 1
        ? 'a positive integer'
        : min === 0
          ? 'a non-negative integer'
          : `an integer >= ${min}`,
      value,
    );
}

/** Any finite integer (seeds). */
export function checkSeedOption(value: unknown, key: string, where: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value)))
    throw invalidOption(where, key, 'an integer seed', value);
}

/** A number strictly between `low` and `high`. */
export function checkFractionOption(
  value: unknown,
  key: string,
  where: string,
  low = 0,
  high = 1,
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value > low && value < high))
    throw invalidOption(where, key, `a number in (${low}, ${high})`, value);
}

export function checkOneOfOption(
  value: unknown,
  key: string,
  where: string,
  allowed: readonly (string | number | boolean)[],
): void {
  if (value !== undefined && !allowed.includes(value as string | number | boolean))
    throw invalidOption(
      where,
      key,
      `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
      value,
    );
}

/** A plain object (a record of options or weights). */
export function checkRecordOption(value: unknown, key: string, where: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value)))
    throw invalidOption(where, key, 'an object', value);
}

/** A finite number. */
export function checkNumberOption(value: unknown, key: string, where: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
    throw invalidOption(where, key, 'a finite number', value);
}
