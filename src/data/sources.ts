/**
 * Datasets from memory and from code: `array(items)`, `generator(fn)` and `zip(datasets)`.
 */
import { Dataset } from './dataset.js';
import { zipStreams, type Source } from './streams.js';
import { LaminaTypeError } from '../errors.js';

/** A dataset of the given items, in order (the array is read at each iteration, not copied). */
export function array<T>(items: readonly T[]): Dataset<T> {
  if (!Array.isArray(items)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `data.array: items must be an array, received ${items === null ? 'null' : typeof items}`,
    );
  }
  return new Dataset(async function* () {
    yield* items;
  }, items.length);
}

/** What `generator()` accepts: a function returning a fresh (sync or async) iterator. */
export type IteratorFactory<T> = () =>
  Iterator<T> | AsyncIterator<T> | Promise<Iterator<T> | AsyncIterator<T>>;

/**
 * A dataset whose elements come from `make()`, called at each iteration: a generator function
 * (`function*` or `async function*`), or any function returning an object with `next()`.
 */
export function generator<T>(make: IteratorFactory<T>): Dataset<T> {
  if (typeof make !== 'function') {
    throw new LaminaTypeError(
      'invalid-argument',
      `data.generator: expected a function returning an iterator (such as a generator function), received ${typeof make}`,
    );
  }
  return new Dataset(async function* () {
    const it = await make();
    if (typeof it !== 'object' || it === null || typeof it.next !== 'function') {
      throw new LaminaTypeError(
        'invalid-argument',
        `data.generator: the function must return an iterator (an object with next()), received ${it === null ? 'null' : typeof it}`,
      );
    }
    let finished = false;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done === true) {
          finished = true;
          return;
        }
        yield r.value;
      }
    } finally {
      // Stopped early (take, an error downstream): let the generator run its own cleanup.
      if (!finished) await it.return?.();
    }
  });
}

/** The element type of a zip of `D`: the same structure, each dataset replaced by its element. */
export type Zipped<D> = D extends Dataset<infer E> ? E : { -readonly [K in keyof D]: Zipped<D[K]> };

/**
 * Elements of several datasets side by side, in the structure they are given in (an array or
 * a record of datasets, nested as you like); ends with the shortest.
 */
export function zip<D extends object>(datasets: D): Dataset<Zipped<D>> {
  const leaves: Dataset<unknown>[] = [];
  // The structure with each dataset replaced by its index in `leaves`.
  const shape = (node: unknown, path: string): unknown => {
    if (node instanceof Dataset) {
      leaves.push(node as Dataset<unknown>);
      return leaves.length - 1;
    }
    if (Array.isArray(node)) return node.map((n, i) => shape(n, `${path}[${i}]`));
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = shape(v, `${path}.${k}`);
      return out;
    }
    throw new LaminaTypeError(
      'invalid-argument',
      `data.zip: the leaves must be Datasets, received ${node === null ? 'null' : typeof node} at ${path}`,
    );
  };
  if (typeof datasets !== 'object' || datasets === null) {
    throw new LaminaTypeError(
      'invalid-argument',
      `data.zip: expected an array or a record of Datasets, received ${datasets === null ? 'null' : typeof datasets}`,
    );
  }
  const structure = shape(datasets, 'datasets');
  const fill = (node: unknown, values: readonly unknown[]): unknown => {
    if (typeof node === 'number') return values[node];
    if (Array.isArray(node)) return node.map((n) => fill(n, values));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as object)) out[k] = fill(v, values);
    return out;
  };
  const sizes = leaves.map((d) => d.size);
  const size =
    sizes.length === 0 ? 0 : sizes.includes(null) ? null : Math.min(...(sizes as number[]));
  const sources: Source<unknown>[] = leaves.map((d) => () => d[Symbol.asyncIterator]());
  return new Dataset(async function* () {
    if (sources.length === 0) return;
    for await (const values of zipStreams(sources)) yield fill(structure, values) as Zipped<D>;
  }, size);
}
