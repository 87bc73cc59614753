/** Reading untrusted JSON: parse, copy without prototype keys, and typed accessors. */
import { LaminaError } from '../errors.js';
import type { JsonObject, JsonValue } from '../serialization/keras-object.js';

const MAX_DEPTH = 100;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse that fails with a LaminaError. */
export function parseJson(text: string, what: string): JsonValue {
  try {
    return sanitize(JSON.parse(text) as unknown, what, 0);
  } catch (e) {
    if (e instanceof LaminaError) throw e;
    throw new LaminaError('malformed-json', `${what}: not valid JSON (${(e as Error).message})`);
  }
}

/**
 * A plain copy of a JSON-like value: prototype-changing keys dropped, nesting bounded, and
 * anything that is not JSON (functions, class instances, NaN) refused.
 */
export function sanitize(value: unknown, what: string, depth = 0): JsonValue {
  if (depth > MAX_DEPTH)
    throw new LaminaError('invalid-config', `${what}: nested more than ${MAX_DEPTH} levels deep`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new LaminaError('invalid-config', `${what}: ${value} is not a JSON number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => sanitize(v, what, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (FORBIDDEN_KEYS.has(k) || v === undefined) continue;
      out[k] = sanitize(v, what, depth + 1);
    }
    return out;
  }
  throw new LaminaError('invalid-config', `${what}: expected JSON data, found a ${typeof value}`);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown, what: string): JsonObject {
  if (!isObject(value))
    throw new LaminaError(
      'invalid-config',
      `${what}: expected an object, found ${describe(value)}`,
    );
  return value;
}

export function expectArray(value: unknown, what: string): JsonValue[] {
  if (!Array.isArray(value))
    throw new LaminaError('invalid-config', `${what}: expected a list, found ${describe(value)}`);
  return value as JsonValue[];
}

export function expectString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new LaminaError(
      'invalid-config',
      `${what}: expected a non-empty string, found ${describe(value)}`,
    );
  return value;
}

/** A non-negative integer no larger than `max`. */
export function expectIndex(value: unknown, what: string, max = 2 ** 31 - 1): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max)
    throw new LaminaError(
      'invalid-config',
      `${what}: expected an integer in [0, ${max}], found ${describe(value)}`,
    );
  return value;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
