/**
 * Batches from data sources: an async iterable, or an object with TensorFlow.js's
 * `iterator()` (a tf.data Dataset, Lamina's or TensorFlow.js's own). Each element is a batch
 * `{ xs, ys, sampleWeight? }` or `[xs, ys]` / `[xs, ys, sampleWeight]`, where xs and ys are a
 * Tensor, an array of Tensors or a record keyed by input/output name.
 */
import { Tensor } from '../tensor/tensor.js';
import type { Batch, TensorData } from './data.js';
import { LaminaTypeError } from '../errors.js';

/** Anything with TensorFlow.js's `dataset.iterator()`. */
export interface DatasetLike<T = unknown> {
  iterator(): Promise<{ next(): Promise<IteratorResult<T, unknown>> }>;
}

/** Where fit / evaluate read batches from. */
export type BatchSource = AsyncIterable<unknown> | DatasetLike;

export function isBatchSource(x: unknown): x is BatchSource {
  if (typeof x !== 'object' || x === null) return false;
  return Symbol.asyncIterator in x || typeof (x as { iterator?: unknown }).iterator === 'function';
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x instanceof Tensor) return `a Tensor of shape [${x.shape.join(', ')}]`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return `an object with keys ${Object.keys(x).join(', ') || '(none)'}`;
  return typeof x;
}

/** One element as a Batch, or a TypeError saying what the element should have been. */
export function toBatch(element: unknown, where: string): Batch {
  const expected =
    'each element must be a batch { xs, ys } or [xs, ys] (xs and ys: a Tensor, an array of Tensors or a record keyed by input/output name; batch the dataset first with .batch(n))';
  if (Array.isArray(element)) {
    if (element.length === 2 || element.length === 3) {
      const [xs, ys, sampleWeight] = element as [TensorData, TensorData, Tensor | undefined];
      if (sampleWeight !== undefined && !(sampleWeight instanceof Tensor))
        throw new LaminaTypeError(
          'invalid-argument',
          `${where}: the sample weights (element[2]) must be a Tensor, received ${describe(sampleWeight)}`,
        );
      return sampleWeight === undefined ? { xs, ys } : { xs, ys, sampleWeight };
    }
  } else if (typeof element === 'object' && element !== null && !(element instanceof Tensor)) {
    const e = element as Partial<Batch>;
    if (e.xs !== undefined && e.ys !== undefined && e.xs !== null && e.ys !== null) {
      if (e.sampleWeight !== undefined && !(e.sampleWeight instanceof Tensor))
        throw new LaminaTypeError(
          'invalid-argument',
          `${where}: sampleWeight must be a Tensor, received ${describe(e.sampleWeight)}`,
        );
      return e as Batch;
    }
  }
  throw new LaminaTypeError(
    'invalid-argument',
    `${where}: ${expected}; received ${describe(element)}`,
  );
}

/**
 * The source as an async iterable of batches; each `[Symbol.asyncIterator]()` starts a fresh
 * iteration of the source (a new epoch of a dataset).
 */
export function batchesOf(source: BatchSource, where: string): AsyncIterable<Batch> {
  return {
    async *[Symbol.asyncIterator]() {
      let index = 0;
      if (Symbol.asyncIterator in source) {
        for await (const element of source as AsyncIterable<unknown>)
          yield toBatch(element, `${where}: batch ${index++}`);
        return;
      }
      const it = await (source as DatasetLike).iterator();
      for (;;) {
        const r = await it.next();
        if (r.done === true) return;
        yield toBatch(r.value, `${where}: batch ${index++}`);
      }
    },
  };
}
