/**
 * Training data as tensors: validation of sample counts, seeded shuffling, batching, and the
 * validation split, as Keras does them. Data larger than memory comes in as an async iterable
 * of batches instead (`fit(dataset, ...)`).
 */
import { gather, slice } from '../ops/movement.js';
import type { Random } from '../tensor/rng.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../ops/convert.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

/** One tensor, a list (one per model input/output) or a record keyed by input/output name. */
export type TensorData = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** A batch as an async data source yields it. */
export interface Batch {
  xs: TensorData;
  ys: TensorData;
  sampleWeight?: Tensor;
}

/** Puts `data` in the order of `names` (a record must name each exactly once). */
export function toList(
  data: TensorData,
  names: readonly string[],
  arg: string,
  where: string,
): Tensor[] {
  if (data instanceof Tensor) return [data];
  if (Array.isArray(data)) {
    data.forEach((t, i) => {
      if (!(t instanceof Tensor))
        throw new LaminaTypeError(
          'invalid-argument',
          `${where}: ${arg}[${i}] must be a Tensor, received ${typeof t}`,
        );
    });
    return [...data] as Tensor[];
  }
  if (typeof data !== 'object' || data === null) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: ${arg} must be a Tensor, an array of Tensors or a record of Tensors, received ${typeof data}`,
    );
  }
  const record = data as Readonly<Record<string, Tensor>>;
  const unknown = Object.keys(record).filter((k) => !names.includes(k));
  if (unknown.length > 0) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: ${arg} has unknown keys ${unknown.join(', ')}; expected ${names.join(', ')}`,
    );
  }
  return names.map((n) => {
    const t = record[n];
    if (!(t instanceof Tensor))
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: ${arg} is missing '${n}' (expected keys ${names.join(', ')})`,
      );
    return t;
  });
}

/** Checks that every array has the same, non-zero number of samples (values: see finite.ts). */
export function sampleCount(
  groups: readonly (readonly [string, readonly Tensor[]])[],
  where: string,
): number {
  let n: number | null = null;
  let first = '';
  for (const [arg, list] of groups) {
    list.forEach((t, i) => {
      const name = list.length === 1 ? arg : `${arg}[${i}]`;
      if (t.rank === 0)
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: ${name} must have a batch dimension, received a scalar`,
        );
      const count = t.shape[0] as number;
      if (n === null) {
        n = count;
        first = name;
      } else if (count !== n) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: all arrays must have the same number of samples: ${first} has ${n}, ${name} has ${count} (shape ${formatShape(t.shape)})`,
        );
      }
    });
  }
  if (n === null || n === 0)
    throw new LaminaRangeError('invalid-argument', `${where}: the data is empty (0 samples)`);
  return n;
}

export function checkBatchSize(batchSize: unknown, where: string): number {
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: batchSize must be a positive integer, received ${String(batchSize)}`,
    );
  }
  return batchSize;
}

/** The rows `start..end` of every tensor (or the given row indices when shuffled). */
export function takeRows(
  list: readonly Tensor[],
  rows: Int32Array | null,
  start: number,
  end: number,
): Tensor[] {
  if (rows === null) return list.map((t) => slice(t, [start], [end - start]));
  const idx = tensor(rows.subarray(start, end), [end - start], 'int32');
  return list.map((t) => gather(t, idx, 0));
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, random: Random): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}

/** Keras's validationSplit: the last `fraction` of the samples, taken before any shuffling. */
export function splitAt(n: number, fraction: number, where: string): number {
  if (!(fraction > 0 && fraction < 1)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: validationSplit must be in (0, 1), received ${fraction}`,
    );
  }
  const train = Math.floor(n * (1 - fraction));
  if (train === 0 || train === n) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: validationSplit ${fraction} of ${n} samples leaves an empty training or validation set`,
    );
  }
  return train;
}
