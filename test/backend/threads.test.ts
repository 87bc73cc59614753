/**
 * The wasm backend's thread pool: setThreads validation, start/stop/resize, and results with 2-3
 * threads equal to 1 thread (within 1e-6 relative) on GEMMs in every transpose variant and on
 * conv2d with both of its backward passes.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as lm from '../../src/index.js';
import { getThreads, setThreads } from '../../src/backend/wasm/index.js';
import { wasmBackend } from '../../src/backend/wasm/register.js';

const skip = wasmBackend === null ? 'no WebAssembly SIMD here' : false;

after(() => setThreads(1));

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const g = got[i] as number;
    assert.ok(
      Math.abs(g - w) <= 1e-6 * Math.max(1, Math.abs(w)),
      `${what}: element ${i} is ${g}, 1 thread gave ${w}`,
    );
  }
}

/** Runs f with 1 thread and with each of `counts`, comparing every output. */
function sameAcrossThreads(f: () => lm.Tensor[], what: string, counts = [2, 3]): void {
  lm.setBackend('wasm');
  setThreads(1);
  const want = f().map((t) => Array.from(t.dataSync()));
  for (const n of counts) {
    setThreads(n);
    assert.equal(getThreads(), n);
    const got = f();
    got.forEach((t, i) =>
      assertClose(t.dataSync() as Float32Array, want[i]!, `${what}, ${n} threads, output ${i}`),
    );
  }
  setThreads(1);
}

test('setThreads rejects counts that are not integers from 1 to 64', () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity, 65, '2' as unknown as number]) {
    assert.throws(() => setThreads(bad), RangeError, `setThreads(${String(bad)})`);
  }
  assert.equal(getThreads(), 1);
});

test('the pool starts, resizes and stops', { skip }, () => {
  assert.equal(getThreads(), 1);
  setThreads(2);
  assert.equal(getThreads(), 2);
  setThreads(2); // no-op
  setThreads(4);
  assert.equal(getThreads(), 4);
  lm.setBackend('wasm');
  const a = lm.randomNormal([256, 300], 0, 1, 1);
  const b = lm.randomNormal([300, 200], 0, 1, 2);
  const y4 = lm.matMul(a, b).dataSync();
  setThreads(1);
  assert.equal(getThreads(), 1);
  assertClose(lm.matMul(a, b).dataSync() as Float32Array, y4 as Float32Array, '4 threads vs 1');
  lm.setBackend('js');
});

test('GEMM: every transpose variant, tall, wide and ragged shapes', { skip }, () => {
  const shapes: [number, number, number][] = [
    [300, 257, 500],
    [1030, 70, 129],
    [33, 900, 260],
    [128, 512, 784],
  ];
  for (const [m, n, k] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const a = lm.randomNormal(ta ? [k, m] : [m, k], 0, 1, m + k);
        const b = lm.randomNormal(tb ? [n, k] : [k, n], 0, 1, n + k);
        sameAcrossThreads(() => [lm.matMul(a, b, ta, tb)], `matMul ${m}x${n}x${k} ${ta} ${tb}`);
      }
    }
  }
  lm.setBackend('js');
});

test('conv2d forward and both backward passes', { skip }, () => {
  const x = lm.randomNormal([16, 20, 20, 8], 0, 1, 3);
  const f = lm.randomNormal([3, 3, 8, 64], 0, 0.2, 4);
  const g = lm.valueAndGrads((xx: lm.Tensor, ff: lm.Tensor) =>
    lm.conv2d(xx, ff, 1, 'same').square().sum(),
  );
  sameAcrossThreads(() => {
    const { value, grads } = g([x, f]);
    return [lm.conv2d(x, f, 2, 'valid'), value, ...grads];
  }, 'conv2d');
  lm.setBackend('js');
});
