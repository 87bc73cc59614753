/**
 * The keys and values `saveModel`, `loadModel`, `loadWeights` and `modelFromJSON` accept; an
 * unknown key (a misspelt `includeOptimiser`) is refused rather than saving without it.
 */
import { checkOptions, optionKeys } from '../validation/options.js';
import { checkBooleanOption, checkIntegerOption, invalidOption } from '../validation/values.js';
import type { HttpOptions } from './io/types.js';
import type { LoadOptions, SaveOptions } from './types.js';

export const SAVE_KEYS = optionKeys<SaveOptions>({
  includeOptimizer: true,
  weightsOnly: true,
  shardSizeBytes: true,
});

export const LOAD_KEYS = optionKeys<LoadOptions>({ compile: true, strict: true, maxParams: true });

export const HTTP_KEYS = optionKeys<HttpOptions>({
  requestInit: true,
  fetchFunc: true,
  weightPathPrefix: true,
  weightUrlConverter: true,
  onProgress: true,
});

export function checkSaveOptions(options: unknown, where: string): void {
  checkOptions(options, SAVE_KEYS, where);
  const o = (options ?? {}) as Readonly<Record<string, unknown>>;
  checkBooleanOption(o.includeOptimizer, 'includeOptimizer', where);
  checkBooleanOption(o.weightsOnly, 'weightsOnly', where);
  checkIntegerOption(o.shardSizeBytes, 'shardSizeBytes', where);
}

/** Load options; `http` adds the http(s) options a URL source takes. */
export function checkLoadOptions(options: unknown, where: string, http = false): void {
  checkOptions(options, http ? [...LOAD_KEYS, ...HTTP_KEYS] : LOAD_KEYS, where);
  const o = (options ?? {}) as Readonly<Record<string, unknown>>;
  checkBooleanOption(o.compile, 'compile', where);
  checkBooleanOption(o.strict, 'strict', where);
  checkIntegerOption(o.maxParams, 'maxParams', where);
  for (const key of ['fetchFunc', 'weightUrlConverter', 'onProgress'])
    if (o[key] !== undefined && typeof o[key] !== 'function')
      throw invalidOption(where, key, 'a function', o[key]);
  if (o.weightPathPrefix !== undefined && typeof o.weightPathPrefix !== 'string')
    throw invalidOption(where, 'weightPathPrefix', 'a string', o.weightPathPrefix);
}
