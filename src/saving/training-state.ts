/**
 * The training state of resume.ts (random stream positions, fit's position and shuffle seed,
 * callback states) as JSON under `trainingConfig.training_state`, and back, checked as strictly
 * as everything else a loader reads: a malformed state is a LaminaError, never a half-restored
 * model. TensorFlow.js and Keras ignore the key.
 */
import { LaminaError } from '../errors.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { EpochProgress, TrainingState } from '../training/resume.js';
import {
  describe,
  expectArray,
  expectIndex,
  expectObject,
  expectString,
  isObject,
} from './json.js';

const FORMAT = 1;
const UINT32_MAX = 2 ** 32 - 1;

export function trainingStateToJson(state: TrainingState): JsonObject {
  return {
    format: FORMAT,
    random_streams: state.randomStreams.map(({ layer, state: s }) => ({
      layer,
      words: [...s.words],
      spare_normal: s.spareNormal,
    })),
    fit:
      state.fit === null
        ? null
        : {
            epochs_done: state.fit.epochsDone,
            batches_done: state.fit.batchesDone,
            shuffle_seed: state.fit.shuffleSeed,
            progress: state.fit.progress === null ? null : progressToJson(state.fit.progress),
          },
    callbacks: state.callbacks,
  };
}

/** JSON has no Infinity or NaN: those travel as strings (as resume.ts's jsonNumber writes them). */
function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function progressToJson(progress: EpochProgress): JsonObject {
  const sums: JsonObject = {};
  for (const [k, v] of Object.entries(progress.means.sums)) sums[k] = jsonNumber(v);
  return {
    sums,
    count: jsonNumber(progress.means.count),
    metrics: progress.metrics.map((m) => (m === null ? null : m.map(jsonNumber))),
  };
}

/** A number as jsonNumber writes it: non-finite ones are the strings 'NaN', 'Infinity'... */
function loggedNumber(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  throw new LaminaError('invalid-config', `${what}: expected a number, found ${describe(value)}`);
}

function progressFromJson(value: unknown, what: string): EpochProgress {
  const o = expectObject(value, what);
  const sums: Record<string, number> = {};
  for (const [k, v] of Object.entries(expectObject(o.sums, `${what}.sums`)))
    sums[k] = loggedNumber(v, `${what}.sums.${k}`);
  const metrics = expectArray(o.metrics, `${what}.metrics`).map((m, i) =>
    m === null
      ? null
      : expectArray(m, `${what}.metrics[${i}]`).map((v, k) =>
          loggedNumber(v, `${what}.metrics[${i}][${k}]`),
        ),
  );
  return { means: { sums, count: loggedNumber(o.count, `${what}.count`) }, metrics };
}

function uint32(value: unknown, what: string): number {
  return expectIndex(value, what, UINT32_MAX);
}

/** fit's `seed` option may be any finite number. */
function finite(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new LaminaError('invalid-config', `${what}: expected a number, found ${describe(value)}`);
  return value;
}

export function trainingStateFromJson(value: unknown, where: string): TrainingState {
  const what = `${where}: trainingConfig.training_state`;
  const o = expectObject(value, what);
  if (o.format !== FORMAT)
    throw new LaminaError(
      'unsupported',
      `${what}: format ${describe(o.format)} is not one this version reads (${FORMAT})`,
    );
  const randomStreams = expectArray(o.random_streams, `${what}.random_streams`).map((entry, i) => {
    const at = `${what}.random_streams[${i}]`;
    const e = expectObject(entry, at);
    const words = expectArray(e.words, `${at}.words`);
    if (words.length !== 4)
      throw new LaminaError(
        'invalid-config',
        `${at}.words: expected 4 words, found ${words.length}`,
      );
    const [w0, w1, w2, w3] = words.map((w, k) => uint32(w, `${at}.words[${k}]`)) as [
      number,
      number,
      number,
      number,
    ];
    if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0)
      throw new LaminaError('invalid-config', `${at}.words: all zero is not a generator state`);
    const spare = e.spare_normal ?? null;
    if (spare !== null && typeof spare !== 'number')
      throw new LaminaError(
        'invalid-config',
        `${at}.spare_normal: expected a number or null, found ${describe(spare)}`,
      );
    return {
      layer: expectString(e.layer, `${at}.layer`),
      state: { words: [w0, w1, w2, w3] as const, spareNormal: spare },
    };
  });
  let fit: TrainingState['fit'] = null;
  if (o.fit !== null && o.fit !== undefined) {
    const f = expectObject(o.fit, `${what}.fit`);
    fit = {
      epochsDone: expectIndex(f.epochs_done, `${what}.fit.epochs_done`),
      batchesDone: expectIndex(f.batches_done, `${what}.fit.batches_done`),
      shuffleSeed: finite(f.shuffle_seed, `${what}.fit.shuffle_seed`),
      progress:
        f.progress === null || f.progress === undefined
          ? null
          : progressFromJson(f.progress, `${what}.fit.progress`),
    };
  }
  const callbacks: Record<string, JsonObject> = {};
  if (o.callbacks !== undefined && o.callbacks !== null) {
    for (const [key, state] of Object.entries(expectObject(o.callbacks, `${what}.callbacks`))) {
      if (!isObject(state))
        throw new LaminaError(
          'invalid-config',
          `${what}.callbacks.${key}: expected an object, found ${describe(state)}`,
        );
      callbacks[key] = state;
    }
  }
  return { randomStreams, fit, callbacks };
}
