/**
 * Options objects: every public function and constructor that takes one names the keys it
 * understands, and a key outside them is refused with the nearest valid key. A Keras user's
 * `kernel_regularizer` (snake_case) or a misspelt `epoch` would otherwise be dropped and the
 * call run without it, with no sign of the mistake.
 */
import { LaminaError } from '../errors.js';

/**
 * The keys of an options interface as a list, checked by the compiler: the object literal must
 * name every key of `T` (a key added to the interface and forgotten here is a compile error) and
 * nothing else (an excess-property error). Write `optionKeys<FitArgs>({ epochs: true, ... })`.
 */
export function optionKeys<T>(keys: { readonly [K in keyof T]-?: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/**
 * `make` behind a check of its options object against `keys`, for factories such as
 * `initializers.randomNormal({ mean, stddev })`; `where` names the factory in errors.
 */
export function withCheckedOptions<O, R>(
  keys: readonly string[],
  where: string,
  make: (options: O) => R,
): (options?: O) => R {
  return (options?: O) => {
    checkOptions(options, keys, where);
    return make(options ?? ({} as O));
  };
}

/** A short description of a received value for messages: 'null', 'an array', 'a string'... */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof value;
}

const SHOWN_JSON_CHARS = 200;

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

/**
 * A received value as JSON, for messages that show a config or a list: plain data (objects,
 * arrays, numbers, strings) as JSON.stringify writes it, but
 * anything else (a Tensor, a layer, a function) as its description ('a Tensor'), a
 * cycle as the description of the whole, and at most 200 characters. JSON.stringify alone
 * would serialize a Tensor's backend and its whole wasm memory, or throw on a cycle.
 */
export function showJson(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return String(value);
  // Primitives as JSON.stringify writes them (a string quoted; NaN and Infinity as null).
  if (typeof value !== 'object' || value === null) return String(JSON.stringify(value));
  if (!isPlain(value)) return describeValue(value);
  let text: string;
  try {
    text = JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'object' && v !== null && !isPlain(v)
        ? `<${describeValue(v)}>`
        : typeof v === 'function'
          ? '<a function>'
          : v,
    );
  } catch {
    return describeValue(value);
  }
  return text.length > SHOWN_JSON_CHARS ? `${text.slice(0, SHOWN_JSON_CHARS)}...` : text;
}

/**
 * A value as error messages show it: numbers, strings, booleans as themselves (as `String`
 * does), objects described ('an object', 'an array', 'a Tensor'), never '[object Object]'
 * (and never a TypeError for an object without a prototype).
 */
export function showValue(value: unknown): string {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function'))
    return typeof value === 'symbol' ? value.toString() : String(value);
  return describeValue(value);
}

/** Whether `value` can be an options object: a non-null, non-array object. */
export function isOptionsObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Throws a LaminaError ('unknown-option') naming `where`, the first key of `options` that is not
 * in `valid` and the nearest valid key; `options` itself must be an object ('invalid-argument').
 * `undefined` passes (the caller's defaults apply).
 */
export function checkOptions(options: unknown, valid: readonly string[], where: string): void {
  if (options === undefined) return;
  if (!isOptionsObject(options)) {
    throw new LaminaError(
      'invalid-argument',
      `${where}: options must be an object, received ${describeValue(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    throw new LaminaError('unknown-option', unknownOptionMessage(key, valid, where));
  }
}

/** "where: unknown option 'key' (did you mean 'nearest'?); valid options: a, b, c". */
export function unknownOptionMessage(key: string, valid: readonly string[], where: string): string {
  const nearest = nearestName(key, valid);
  return `${where}: unknown option '${key}'${nearest === null ? '' : ` (did you mean '${nearest}'?)`}; valid options: ${valid.join(', ')}`;
}

/**
 * The valid name `key` most likely meant: its camelCase form when that is valid (a Keras
 * `kernel_regularizer` is Lamina's `kernelRegularizer`), else the candidate within edit
 * distance 3 (and at most half the key's length) ignoring case and underscores, if any.
 */
export function nearestName(key: string, candidates: readonly string[]): string | null {
  const renamed = Object.hasOwn(OTHER_SPELLINGS, key) ? OTHER_SPELLINGS[key] : undefined;
  if (renamed !== undefined && candidates.includes(renamed)) return renamed;
  const camel = key.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && candidates.includes(camel)) return camel;
  const plain = (s: string): string => s.replace(/_/g, '').toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(plain(key), plain(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.min(3, Math.ceil(key.length / 2)) ? best : null;
}

/** Names other libraries use for Lamina's options, too far apart for the edit distance. */
const OTHER_SPELLINGS: Readonly<Record<string, string>> = {
  lr: 'learningRate',
  nb_epoch: 'epochs',
  decay: 'weightDecay',
};

/** Levenshtein distance (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(substitution, (previous[j] as number) + 1, (row[j - 1] as number) + 1));
    }
    previous = row;
  }
  return previous[b.length] as number;
}
