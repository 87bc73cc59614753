/**
 * The element streams behind Dataset's transforms, as async generators. Each pulls from its
 * source only what it is about to emit (prefetch and shuffle read ahead by their buffer size,
 * by design), and leaving a `for await` early closes the source, so a file stream is released
 * as soon as `take()` has what it needs.
 */
import type { Random } from '../tensor/rng.js';
import { LaminaRangeError } from '../errors.js';

export type Source<T> = () => AsyncGenerator<T, void, undefined>;

export async function* takeStream<T>(source: Source<T>, count: number): AsyncGenerator<T> {
  if (count <= 0) return;
  let taken = 0;
  for await (const x of source()) {
    yield x;
    // Checked before pulling again, so the element after the last one taken is never read.
    if (++taken >= count) return;
  }
}

export async function* skipStream<T>(source: Source<T>, count: number): AsyncGenerator<T> {
  let skipped = 0;
  for await (const x of source()) {
    if (skipped < count) skipped++;
    else yield x;
  }
}

export async function* repeatStream<T>(
  source: Source<T>,
  count: number,
  where: string,
): AsyncGenerator<T> {
  for (let pass = 0; pass < count; pass++) {
    let any = false;
    for await (const x of source()) {
      any = true;
      yield x;
    }
    if (!any && count === Infinity) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: the dataset yielded no elements, so repeating it forever would never yield one`,
      );
    }
  }
}

/**
 * A buffer of `bufferSize` elements; each output is drawn uniformly from it and its slot is
 * refilled from the source. `random` is this iteration's generator.
 */
export async function* shuffleStream<T>(
  source: Source<T>,
  bufferSize: number,
  random: Random,
): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const x of source()) {
    if (buffer.length < bufferSize) {
      buffer.push(x);
      continue;
    }
    const i = Math.floor(random.uniform() * buffer.length);
    const out = buffer[i] as T;
    buffer[i] = x;
    yield out;
  }
  while (buffer.length > 0) {
    const i = Math.floor(random.uniform() * buffer.length);
    const out = buffer[i] as T;
    buffer[i] = buffer[buffer.length - 1] as T;
    buffer.pop();
    yield out;
  }
}

/** Keeps up to `bufferSize` reads from the source in flight while the consumer works. */
export async function* prefetchStream<T>(source: Source<T>, bufferSize: number): AsyncGenerator<T> {
  const it = source();
  const pending: Promise<IteratorResult<T, void>>[] = [];
  const fill = (): void => {
    while (pending.length < bufferSize) {
      const read = it.next();
      // A read that fails while still queued is reported when its turn comes, not as an
      // unhandled rejection.
      read.catch(() => undefined);
      pending.push(read);
    }
  };
  try {
    fill();
    for (;;) {
      const r = await (pending.shift() as Promise<IteratorResult<T, void>>);
      if (r.done === true) return;
      // Refilled before handing the element out, so the reads go on while the consumer works.
      fill();
      yield r.value;
    }
  } finally {
    await it.return(undefined);
  }
}

/** Emits the element lists of `sources` in step; stops when the shortest ends. */
export async function* zipStreams(sources: readonly Source<unknown>[]): AsyncGenerator<unknown[]> {
  const its = sources.map((s) => s());
  try {
    for (;;) {
      const results = await Promise.all(its.map((it) => it.next()));
      if (results.some((r) => r.done === true)) return;
      yield results.map((r) => r.value);
    }
  } finally {
    await Promise.all(its.map((it) => it.return(undefined)));
  }
}
