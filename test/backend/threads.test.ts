/**
 * The wasm backend's thread pool: setThreads validation, start/stop/resize, and results with 2-3
 * threads equal to 1 thread (within 1e-6 relative) on GEMMs in every transpose variant and on
 * conv2d with both of its backward passes; the workers' task counter, and a host whose workers
 * do not start while the caller blocks (as in browsers; test/browser/threads.test.ts runs the
 * real one).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as lm from '../../src/index.js';
import {
  getThreads,
  nodeThreadHost,
  setThreadHost,
  setThreads,
  threadsReady,
} from '../../src/backend/wasm/index.js';
import { threadStats } from '../../src/backend/wasm/threads.js';
import {
  adamStep,
  axpby,
  axpbySquare,
  biasActivation,
  penaltyGradAdd,
  reluGrad,
  rmsStep,
} from '../../src/ops/fused.js';
import { conv2dBiasActivation } from '../../src/ops/conv.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { LaminaRangeError } from '../../src/errors.js';

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
    assert.throws(() => setThreads(bad), LaminaRangeError, `setThreads(${String(bad)})`);
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

test(
  'elementwise, fused, optimizer, pooling and per-image conv kernels split bit for bit',
  { skip },
  () => {
    // Sizes above the split threshold (64K elements) with ragged ends, every binary fast mode.
    const x = lm.randomNormal([9, 97, 83], 0, 1, 7);
    const y = lm.randomNormal([9, 97, 83], 0, 1, 8);
    const row = lm.randomNormal([83], 0, 1, 9);
    const img = lm.randomNormal([24, 28, 28, 8], 0, 1, 10);
    const thin = lm.randomNormal([24, 28, 28, 1], 0, 1, 11);
    const thinFilter = lm.randomNormal([3, 3, 1, 32], 0, 0.3, 12);
    const thinBias = lm.randomNormal([32], 0, 1, 13);
    const conv = lm.valueAndGrads((xx: lm.Tensor, ff: lm.Tensor) =>
      lm
        .maxPool2d(lm.relu(lm.conv2d(xx, ff, 1, 'valid')), 2, 2, 'valid')
        .square()
        .sum(),
    );
    const dwFilter = lm.randomNormal([3, 3, 8, 1], 0, 0.3, 14);
    const dwFilter2 = lm.randomNormal([3, 3, 8, 2], 0, 0.3, 15);
    const depthwise = lm.valueAndGrads((xx: lm.Tensor, ff: lm.Tensor) =>
      lm.depthwiseConv2d(xx, ff, 1, 'same').square().sum(),
    );
    const before = threadStats().tasks;
    let bitsOf: number[][] = [];
    const run = (): lm.Tensor[] => [
      lm.add(x, y),
      lm.mul(x, 0.5),
      lm.sub(2, x),
      lm.add(x, row),
      lm.div(row, y),
      lm.abs(x),
      lm.relu(x),
      reluGrad(x, y),
      penaltyGradAdd(x, y, 0.125, 3),
      biasActivation(x, row, 'relu'),
      axpby(x, y, 0.9, 0.1),
      axpbySquare(x, y, 0.999, 0.001),
      adamStep(x, y, lm.abs(y), 1e-3, 1e-7),
      rmsStep(x, y, lm.abs(y), 1, 1e-3, 1e-7),
      lm.maxPool2d(img, 2, 2, 'valid'),
      lm.maxPool2d(img, 3, 2, 'same'),
      // the direct convolution with bias and relu in its stores, border pixels included
      conv2dBiasActivation(thin, thinFilter, thinBias, 'relu', 1, 'same'),
      ...(() => {
        const { value, grads } = conv([thin, thinFilter]);
        return [value, ...grads];
      })(),
      // depthwise, multipliers 1 and 2: the forward pass and the input gradient split by image
      // (the filter gradient, summed over images, stays on one thread)
      ...[1, 2].flatMap((mult) => {
        const { value, grads } = depthwise([img, mult === 1 ? dwFilter : dwFilter2]);
        return [value, ...grads];
      }),
    ];
    lm.setBackend('wasm');
    setThreads(1);
    bitsOf = run().map((t) => Array.from(t.dataSync()));
    for (const n of [2, 3]) {
      setThreads(n);
      run().forEach((t, i) =>
        assert.deepEqual(Array.from(t.dataSync()), bitsOf[i], `output ${i}, ${n} threads`),
      );
    }
    assert.ok(threadStats().tasks - before >= 2 * 24, 'workers ran shares of these kernels');
    setThreads(1);
    lm.setBackend('js');
  },
);

test('workers run shares: one per split GEMM, none for a small one', { skip }, () => {
  lm.setBackend('wasm');
  const a = lm.randomNormal([256, 300], 0, 1, 5);
  const b = lm.randomNormal([300, 200], 0, 1, 6);
  setThreads(1);
  const want = Array.from(lm.matMul(a, b).dataSync());
  setThreads(3);
  const before = threadStats().tasks;
  assertClose(lm.matMul(a, b).dataSync() as Float32Array, want, '3 threads');
  const after = threadStats();
  assert.equal(after.tasks - before, 2, 'both workers ran a share');
  assert.equal(after.workers, 2);
  assert.equal(after.ready, 2);
  lm.matMul(lm.ones([32, 32]), lm.ones([32, 32])).dataSync();
  assert.equal(threadStats().tasks, after.tasks, 'a 32x32x32 product stays on the caller');
  setThreads(1);
  assert.deepEqual(threadStats(), { workers: 0, ready: 0, tasks: after.tasks });
  lm.setBackend('js');
});

test(
  'a host whose workers start only when the caller yields: the caller runs every share until they are up',
  { skip },
  async () => {
    const node = nodeThreadHost();
    assert.ok(node !== null);
    lm.setBackend('wasm');
    const a = lm.randomNormal([256, 300], 0, 1, 7);
    const b = lm.randomNormal([300, 200], 0, 1, 8);
    setThreads(1);
    const want = Array.from(lm.matMul(a, b).dataSync());
    let spawned = 0;
    // Spawning is deferred to a macrotask, as a browser does; the caller must not wait for it.
    setThreadHost({
      name: 'deferred',
      canBlock: true,
      spawn(init) {
        let handle: { terminate(): void } | null = null;
        let stopped = false;
        setTimeout(() => {
          spawned++;
          if (!stopped) handle = node.spawn(init);
        }, 0);
        return {
          terminate() {
            stopped = true;
            handle?.terminate();
          },
        };
      },
    });
    try {
      setThreads(2);
      const start = threadStats().tasks;
      assertClose(lm.matMul(a, b).dataSync() as Float32Array, want, 'before the worker exists');
      assert.equal(spawned, 0);
      assert.equal(threadStats().tasks, start, 'nothing was posted');
      await threadsReady(5000);
      assert.equal(threadStats().ready, 1, 'the worker started');
      assertClose(lm.matMul(a, b).dataSync() as Float32Array, want, 'after it started');
      assert.equal(threadStats().tasks, start + 1, 'the worker ran its share');
    } finally {
      setThreads(1);
      setThreadHost(node);
      lm.setBackend('js');
    }
  },
);

test(
  'threadsReady resolves at once without a pool, rejects a bad timeout, and times out naming the workers',
  { skip },
  async () => {
    setThreads(1);
    await threadsReady();
    await assert.rejects(
      threadsReady(-1),
      /threadsReady: timeoutMs must be a number >= 0, received -1/,
    );
    const node = nodeThreadHost();
    assert.ok(node !== null);
    // A host whose worker never starts.
    setThreadHost({ name: 'never', canBlock: true, spawn: () => ({ terminate() {} }) });
    try {
      setThreads(3);
      await assert.rejects(
        threadsReady(30),
        /threadsReady: the 2 worker\(s\) of setThreads\(3\) did not all start within 30 ms/,
      );
    } finally {
      setThreads(1);
      setThreadHost(node);
    }
  },
);
