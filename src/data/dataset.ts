/**
 * `Dataset<T>`: a lazily computed, re-iterable sequence of elements, with TensorFlow.js 4.x's
 * tf.data names and semantics. Nothing is read until the dataset is iterated, and each iteration
 * (`iterator()`, `for await`, `forEachAsync`, `toArray`, or one epoch of `fitDataset`) starts
 * over from the source, so a dataset built on a file streams it afresh every epoch.
 */
import { randomFor, type Random } from '../tensor/rng.js';
import { batchElements, type Batched } from './batch.js';
import {
  prefetchStream,
  repeatStream,
  shuffleStream,
  skipStream,
  takeStream,
  type Source,
} from './streams.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

/** What `iterator()` resolves to: `next()` as an async iterator's. */
export interface DataIterator<T> {
  next(): Promise<IteratorResult<T, void>>;
}

function checkCount(value: unknown, where: string, arg: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: ${arg} must be an integer, received ${String(value)}`,
    );
  }
  return value;
}

function checkPositive(value: unknown, where: string, arg: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: ${arg} must be a positive integer, received ${String(value)}`,
    );
  }
  return value;
}

/** A string seed (as TensorFlow.js takes) hashed to a number (FNV-1a), so it seeds the same way. */
function seedNumber(seed: number | string): number {
  if (typeof seed === 'number') return seed;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class Dataset<T> implements AsyncIterable<T> {
  /**
   * @param source starts one iteration over the elements.
   * @param size the number of elements if known (Infinity for an endless dataset), else null.
   */
  constructor(
    protected readonly source: Source<T>,
    readonly size: number | null = null,
  ) {}

  /** A fresh iteration; TensorFlow.js's `await dataset.iterator()` then `await it.next()`. */
  async iterator(): Promise<DataIterator<T>> {
    return this.source();
  }

  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return this.source();
  }

  /** Applies `transform` to each element. */
  map<O>(transform: (value: T) => O): Dataset<O> {
    const source = this.source;
    return new Dataset(async function* () {
      for await (const x of source()) yield transform(x);
    }, this.size);
  }

  /** Applies an async `transform` to each element, one at a time, in order. */
  mapAsync<O>(transform: (value: T) => Promise<O>): Dataset<O> {
    const source = this.source;
    return new Dataset(async function* () {
      for await (const x of source()) yield await transform(x);
    }, this.size);
  }

  /** Keeps the elements for which `predicate` is true. */
  filter(predicate: (value: T) => boolean): Dataset<T> {
    const source = this.source;
    return new Dataset(
      async function* () {
        for await (const x of source()) if (predicate(x)) yield x;
      },
      this.size === Infinity ? Infinity : null,
    );
  }

  /**
   * Groups consecutive elements into batches of `batchSize` (see `Batched`): tensors stacked,
   * numbers and number arrays made tensors, arrays and objects batched entry by entry. The last
   * batch may be smaller unless `smallLastBatch` is false, when it is dropped.
   */
  batch(batchSize: number, smallLastBatch = true): Dataset<Batched<T>> {
    const where = 'Dataset.batch';
    checkPositive(batchSize, where, 'batchSize');
    const source = this.source;
    const size =
      this.size === null || this.size === Infinity
        ? this.size
        : smallLastBatch
          ? Math.ceil(this.size / batchSize)
          : Math.floor(this.size / batchSize);
    return new Dataset(async function* () {
      let rows: T[] = [];
      for await (const x of source()) {
        rows.push(x);
        if (rows.length === batchSize) {
          yield batchElements(rows, where) as Batched<T>;
          rows = [];
        }
      }
      if (rows.length > 0 && smallLastBatch) yield batchElements(rows, where) as Batched<T>;
    }, size);
  }

  /** The elements of this dataset, then those of `other`. */
  concatenate(other: Dataset<T>): Dataset<T> {
    if (!(other instanceof Dataset)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `Dataset.concatenate: expected a Dataset, received ${other === null ? 'null' : typeof other}`,
      );
    }
    const first = this.source;
    const second = other.source;
    const size =
      this.size === Infinity || other.size === Infinity
        ? Infinity
        : this.size !== null && other.size !== null
          ? this.size + other.size
          : null;
    return new Dataset(async function* () {
      yield* first();
      yield* second();
    }, size);
  }

  /**
   * The first `count` elements (all of them when `count` is undefined or negative, as in
   * TensorFlow.js). The element after the last one taken is never read.
   */
  take(count?: number): Dataset<T> {
    const n = checkCount(count, 'Dataset.take', 'count');
    const limit = n === undefined || n < 0 ? Infinity : n;
    const size = this.size === null ? null : Math.min(this.size, limit);
    const source = this.source;
    return new Dataset(() => takeStream(source, limit), size);
  }

  /** All but the first `count` elements (none when `count` is undefined or negative). */
  skip(count?: number): Dataset<T> {
    const n = checkCount(count, 'Dataset.skip', 'count');
    const skipped = n === undefined || n < 0 ? Infinity : n;
    const size =
      this.size === null
        ? skipped === Infinity
          ? 0
          : null
        : this.size === Infinity
          ? skipped === Infinity
            ? 0
            : Infinity
          : Math.max(0, this.size - skipped);
    const source = this.source;
    return new Dataset(() => skipStream(source, skipped), size);
  }

  /**
   * The dataset `count` times over (forever when `count` is undefined or negative), each pass a
   * fresh iteration of this one (so a shuffled dataset is reshuffled each pass).
   */
  repeat(count?: number): Dataset<T> {
    const n = checkCount(count, 'Dataset.repeat', 'count');
    const times = n === undefined || n < 0 ? Infinity : n;
    const size =
      times === 0 ? 0 : this.size === null ? null : this.size === 0 ? 0 : this.size * times;
    const source = this.source;
    return new Dataset(() => repeatStream(source, times, 'Dataset.repeat'), size);
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements (a buffer as large as the dataset gives a
   * uniform permutation). Seeded: the same seed gives the same orders; each iteration draws a
   * new order from the seed unless `reshuffleEachIteration` is false. Without a seed the orders
   * come from the global stream (`setSeed`).
   */
  shuffle(bufferSize: number, seed?: number | string, reshuffleEachIteration = true): Dataset<T> {
    const where = 'Dataset.shuffle';
    if (bufferSize === undefined || bufferSize === null) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: bufferSize is required${this.size !== null && this.size !== Infinity ? ` (the whole dataset is ${this.size} elements)` : ''}`,
      );
    }
    checkPositive(bufferSize, where, 'bufferSize');
    if (seed !== undefined && typeof seed !== 'number' && typeof seed !== 'string') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: seed must be a number or a string, received ${typeof seed}`,
      );
    }
    const seeds: Random = randomFor(seed === undefined ? undefined : seedNumber(seed));
    const fixed = seeds.nextSeed();
    const source = this.source;
    return new Dataset(() => {
      const iterationSeed = reshuffleEachIteration ? seeds.nextSeed() : fixed;
      return shuffleStream(source, bufferSize, randomFor(iterationSeed));
    }, this.size);
  }

  /** Reads up to `bufferSize` elements ahead of the consumer. */
  prefetch(bufferSize: number): Dataset<T> {
    checkPositive(bufferSize, 'Dataset.prefetch', 'bufferSize');
    const source = this.source;
    return new Dataset(() => prefetchStream(source, bufferSize), this.size);
  }

  /** Calls `f` on each element in order (awaiting it if it returns a promise). */
  async forEachAsync(f: (value: T) => void | Promise<void>): Promise<void> {
    for await (const x of this.source()) await f(x);
  }

  /** Every element, in an array. Refused for an endless dataset. */
  async toArray(): Promise<T[]> {
    if (this.size === Infinity)
      throw new LaminaRangeError(
        'invalid-argument',
        'Dataset.toArray: the dataset is endless (size Infinity)',
      );
    const out: T[] = [];
    for await (const x of this.source()) out.push(x);
    return out;
  }

  /** TensorFlow.js's name for toArray in tests (tensors are garbage collected here, so the same). */
  toArrayForTest(): Promise<T[]> {
    return this.toArray();
  }
}
