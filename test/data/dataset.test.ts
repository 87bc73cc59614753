import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data, setSeed } from '../../src/index.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * A generator dataset that records how many elements were read and throws if asked for more
 * than `limit`: proof that a pipeline pulls only what it emits.
 */
function guarded(limit: number): { ds: data.Dataset<number>; reads: () => number } {
  let reads = 0;
  const ds = data.generator(function* () {
    for (let i = 0; ; i++) {
      if (i >= limit) throw new Error(`read past element ${limit}`);
      reads++;
      yield i;
    }
  });
  return { ds, reads: () => reads };
}

test('array, map, mapAsync, filter keep order and sizes', async () => {
  const ds = data.array([1, 2, 3, 4, 5]);
  assert.equal(ds.size, 5);
  assert.deepEqual(await ds.map((x) => x * 10).toArray(), [10, 20, 30, 40, 50]);
  assert.deepEqual(await ds.mapAsync(async (x) => x + 0.5).toArray(), [1.5, 2.5, 3.5, 4.5, 5.5]);
  const even = ds.filter((x) => x % 2 === 0);
  assert.equal(even.size, null);
  assert.deepEqual(await even.toArray(), [2, 4]);
  assert.equal(ds.map((x) => x).size, 5);
});

test('take, skip, repeat, concatenate: values and sizes (TensorFlow.js rules)', async () => {
  const ds = data.array([1, 2, 3]);
  assert.deepEqual(await ds.take(2).toArray(), [1, 2]);
  assert.equal(ds.take(2).size, 2);
  assert.equal(ds.take(10).size, 3);
  assert.deepEqual(await ds.take(0).toArray(), []);
  assert.deepEqual(await ds.take(-1).toArray(), [1, 2, 3], 'negative take keeps everything');
  assert.deepEqual(await ds.skip(1).toArray(), [2, 3]);
  assert.equal(ds.skip(1).size, 2);
  assert.equal(ds.skip(5).size, 0);
  assert.deepEqual(await ds.skip(5).toArray(), []);
  assert.deepEqual(await ds.repeat(3).toArray(), [1, 2, 3, 1, 2, 3, 1, 2, 3]);
  assert.equal(ds.repeat(3).size, 9);
  assert.equal(ds.repeat().size, Infinity);
  assert.equal(ds.repeat(0).size, 0);
  assert.deepEqual(await ds.repeat().take(7).toArray(), [1, 2, 3, 1, 2, 3, 1]);
  assert.deepEqual(await ds.repeat(2).skip(1).take(4).toArray(), [2, 3, 1, 2]);
  const both = ds.concatenate(data.array([7, 8]));
  assert.equal(both.size, 5);
  assert.deepEqual(await both.toArray(), [1, 2, 3, 7, 8]);
  assert.equal(ds.concatenate(ds.repeat()).size, Infinity);
  assert.equal(ds.concatenate(ds.filter(() => true)).size, null);
});

test('iterator(), for await and forEachAsync iterate afresh each time', async () => {
  const ds = data.array(['a', 'b']);
  const it = await ds.iterator();
  assert.deepEqual(await it.next(), { value: 'a', done: false });
  assert.deepEqual(await it.next(), { value: 'b', done: false });
  assert.equal((await it.next()).done, true);
  const seen: string[] = [];
  for await (const x of ds) seen.push(x);
  await ds.forEachAsync(async (x) => void seen.push(x.toUpperCase()));
  assert.deepEqual(seen, ['a', 'b', 'A', 'B']);
  assert.deepEqual(await ds.toArrayForTest(), ['a', 'b']);
});

test('generator accepts sync and async generator functions and plain iterators, fresh each pass', async () => {
  const sync = data.generator(function* () {
    yield* [1, 2, 3];
  });
  assert.deepEqual(await sync.toArray(), [1, 2, 3]);
  assert.deepEqual(await sync.toArray(), [1, 2, 3]);
  const asyncGen = data.generator(async function* () {
    yield 'x';
    yield 'y';
  });
  assert.deepEqual(await asyncGen.toArray(), ['x', 'y']);
  const plain = data.generator(() => {
    let i = 0;
    return { next: () => (i < 2 ? { value: i++, done: false } : { value: undefined, done: true }) };
  });
  assert.deepEqual(await plain.toArray(), [0, 1]);
  assert.equal(sync.size, null);
});

test('streaming: take, skip and batch read exactly what they emit', async () => {
  const a = guarded(3);
  assert.deepEqual(await a.ds.take(3).toArray(), [0, 1, 2]);
  assert.equal(a.reads(), 3);
  const b = guarded(6);
  const batches = await b.ds.skip(2).batch(2).take(2).toArray();
  assert.deepEqual(
    batches.map((t) => Array.from(t.dataSync())),
    [
      [2, 3],
      [4, 5],
    ],
  );
  assert.equal(b.reads(), 6);
  const c = guarded(2);
  await assert.rejects(c.ds.take(3).toArray(), /read past element 2/);
});

test('a generator stopped early runs its finally block (files and connections get closed)', async () => {
  let closed = 0;
  const ds = data.generator(function* () {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      closed++;
    }
  });
  assert.deepEqual(await ds.take(2).toArray(), [0, 1]);
  assert.equal(closed, 1);
  assert.deepEqual(await ds.prefetch(3).take(1).toArray(), [0]);
  assert.equal(closed, 2);
});

test('prefetch reads ahead by its buffer size and keeps order', async () => {
  const a = guarded(7);
  const it = await a.ds.prefetch(4).iterator();
  assert.deepEqual(await it.next(), { value: 0, done: false });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(a.reads(), 5, 'the element handed out plus four in flight');
  assert.deepEqual(await data.array(range(10)).prefetch(3).toArray(), range(10));
  assert.equal(data.array(range(10)).prefetch(3).size, 10);
});

test('shuffle: a seeded permutation, the same for the same seed, reshuffled each iteration', async () => {
  const ds = data.array(range(20));
  const s1 = ds.shuffle(20, 7);
  const first = await s1.toArray();
  const second = await s1.toArray();
  assert.deepEqual(
    [...first].sort((p, q) => p - q),
    range(20),
    'a permutation',
  );
  assert.deepEqual(
    [...second].sort((p, q) => p - q),
    range(20),
  );
  assert.notDeepEqual(first, range(20));
  assert.notDeepEqual(first, second, 'reshuffled on the next iteration');
  const again = ds.shuffle(20, 7);
  assert.deepEqual(await again.toArray(), first, 'same seed, same first order');
  assert.deepEqual(await again.toArray(), second, 'and the same second order');
  assert.notDeepEqual(await ds.shuffle(20, 8).toArray(), first);
  const fixed = ds.shuffle(20, 7, false);
  assert.deepEqual(await fixed.toArray(), await fixed.toArray());
  assert.equal(s1.size, 20);
  // Exact values pin the generator (xoshiro128** via the seed) so a change is noticed.
  assert.deepEqual(
    await data.array(range(10)).shuffle(10, 1).toArray(),
    [9, 0, 1, 7, 8, 2, 4, 5, 3, 6],
  );
});

test('shuffle with a small buffer only moves elements within reach of the buffer', async () => {
  const out = await data.array(range(50)).shuffle(3, 3).toArray();
  assert.deepEqual(
    [...out].sort((p, q) => p - q),
    range(50),
  );
  // With a buffer of 3, element i cannot be emitted before position i - 2.
  out.forEach((x, pos) => assert.ok(pos >= x - 2, `element ${x} came out at ${pos}`));
  assert.notDeepEqual(out, range(50));
});

test('shuffle without a seed follows setSeed; string seeds are accepted', async () => {
  setSeed(5);
  const a = await data.array(range(10)).shuffle(10).toArray();
  setSeed(5);
  const b = await data.array(range(10)).shuffle(10).toArray();
  assert.deepEqual(a, b);
  assert.deepEqual(
    await data.array(range(10)).shuffle(10, 'abc').toArray(),
    await data.array(range(10)).shuffle(10, 'abc').toArray(),
  );
});

test('zip: arrays and records of datasets, nested, ending with the shortest', async () => {
  const z = data.zip([data.array([1, 2, 3]), data.array(['a', 'b'])]);
  assert.equal(z.size, 2);
  assert.deepEqual(await z.toArray(), [
    [1, 'a'],
    [2, 'b'],
  ]);
  const r = data.zip({ xs: data.array([1, 2]), more: { ys: data.array([3, 4]) } });
  assert.deepEqual(await r.toArray(), [
    { xs: 1, more: { ys: 3 } },
    { xs: 2, more: { ys: 4 } },
  ]);
  assert.equal(data.zip([data.array([1]), data.array([1]).filter(() => true)]).size, null);
});

test('bad arguments are refused with what was expected and received', async () => {
  const ds = data.array([1, 2, 3]);
  assert.throws(
    () => ds.batch(0),
    /Dataset.batch: batchSize must be a positive integer, received 0/,
  );
  assert.throws(() => ds.batch(1.5), /received 1.5/);
  assert.throws(
    () => ds.shuffle(undefined as unknown as number),
    /bufferSize is required \(the whole dataset is 3 elements\)/,
  );
  assert.throws(() => ds.shuffle(-1), /bufferSize must be a positive integer, received -1/);
  assert.throws(() => ds.prefetch(0), /Dataset.prefetch: bufferSize must be a positive integer/);
  assert.throws(() => ds.take(1.5), /Dataset.take: count must be an integer, received 1.5/);
  assert.throws(() => ds.skip(Number.NaN), /Dataset.skip: count must be an integer, received NaN/);
  await assert.rejects(ds.repeat().toArray(), /toArray: the dataset is endless/);
  await assert.rejects(
    data.array([]).repeat().take(1).toArray(),
    /the dataset yielded no elements, so repeating it forever would never yield one/,
  );
  assert.throws(
    () => data.array(3 as unknown as number[]),
    /data.array: items must be an array, received number/,
  );
  assert.throws(
    () => data.generator(5 as unknown as () => Iterator<number>),
    /expected a function returning an iterator/,
  );
  await assert.rejects(
    data.generator((() => 5) as unknown as () => Iterator<number>).toArray(),
    /the function must return an iterator \(an object with next\(\)\), received number/,
  );
  assert.throws(
    () => data.zip({ a: data.array([1]), b: 3 } as never),
    /leaves must be Datasets, received number at datasets.b/,
  );
  assert.throws(
    () => ds.concatenate([4] as never),
    /Dataset.concatenate: expected a Dataset, received object/,
  );
});
