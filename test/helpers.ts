/**
 * Shared test helpers. `forEachBackend` runs a suite once per registered backend, so the whole
 * op suite runs unchanged against any backend added later (the reference backend is the oracle).
 */
import assert from 'node:assert/strict';
import {
  afterEach as afterEachBackend,
  beforeEach as beforeEachBackend,
  describe,
} from 'node:test';
import { getBackend, listBackends, setBackend, Tensor, type NestedArray } from '../src/index.js';

export function forEachBackend(name: string, body: () => void): void {
  for (const backend of listBackends()) {
    describe(`${name} [${backend}]`, () => {
      let previous = getBackend();
      // node:test runs describe bodies eagerly and hooks around the tests inside them.
      beforeEachBackend(() => {
        previous = getBackend();
        setBackend(backend);
      });
      afterEachBackend(() => setBackend(previous));
      body();
    });
  }
}

function flat(v: NestedArray): (number | boolean)[] {
  return Array.isArray(v) ? v.flatMap((x) => flat(x as NestedArray)) : [v as number | boolean];
}

function shapeOf(v: NestedArray): number[] {
  const s: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    s.push(cur.length);
    cur = cur[0] as NestedArray;
  }
  return s;
}

/**
 * Asserts shape and values: |actual - expected| <= atol + rtol * |expected| per element.
 * NaN matches NaN and infinities must match exactly.
 */
export function assertClose(
  actual: Tensor,
  expected: NestedArray,
  {
    rtol = 1e-6,
    atol = 1e-6,
    shape,
  }: { rtol?: number; atol?: number; shape?: readonly number[] } = {},
): void {
  assert.ok(actual instanceof Tensor, 'expected a Tensor');
  assert.deepEqual([...actual.shape], shape ? [...shape] : shapeOf(expected), 'shape');
  const got = Array.from(actual.dataSync(), Number);
  const want = flat(expected).map(Number);
  assert.equal(got.length, want.length, 'size');
  for (let i = 0; i < want.length; i++) {
    const a = got[i] as number;
    const e = want[i] as number;
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `element ${i}: expected NaN, got ${a}`);
    } else if (!Number.isFinite(e)) {
      assert.equal(a, e, `element ${i}`);
    } else {
      assert.ok(
        Math.abs(a - e) <= atol + rtol * Math.abs(e),
        `element ${i}: expected ${e}, got ${a} (rtol ${rtol}, atol ${atol})`,
      );
    }
  }
}

/** Asserts exact equality of shape, dtype and values. */
export function assertExact(actual: Tensor, expected: NestedArray, dtype?: string): void {
  if (dtype !== undefined) assert.equal(actual.dtype, dtype, 'dtype');
  assert.deepEqual(actual.arraySync(), expected);
}

/** mulberry32: a small seeded generator (floats in [0, 1)) for the fuzz tests' choices. */
export function fuzzRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
