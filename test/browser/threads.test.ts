/**
 * The wasm backend's thread pool in headless Chromium (Web Workers from a Blob URL on the page's
 * shared WebAssembly memory; see ./harness.ts for the server and docs/backend.md, Threads).
 *
 * On a cross-origin isolated page: GEMMs split by rows and by columns, conv2d and both of its
 * gradients with 2 threads give exactly the numbers of 1 thread and of the js reference (the
 * inputs are multiples of 1/8, so every product and partial sum is exact in float32 and the
 * order of summation cannot matter), a random-valued GEMM gives 1 thread's bits; workers ran
 * shares of them (the pool's task counter), and a small product stayed on the page's thread.
 * Right after `setThreads(2)`, before the page yields, the workers have not started (a browser
 * starts them from its event loop): kernels must still return promptly with the same numbers.
 * On a page without COOP/COEP: `setThreads(2)` throws, naming what is needed, and kernels keep
 * running on one thread.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withChromium } from './harness.js';

/** The page's exact-valued inputs, also computed here: ((i * step) mod 13 - 6) / 8, row-major. */
function exact(size: number, step: number): Float64Array {
  const v = new Float64Array(size);
  for (let i = 0; i < size; i++) v[i] = (((i * step) % 13) - 6) / 8;
  return v;
}

/** C = A B (or A B^T) in doubles, row-major: the oracle for the exact-valued GEMMs. */
function gemm(a: Float64Array, b: Float64Array, m: number, k: number, n: number, tb = false) {
  const c: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (a[i * k + p] as number) * (b[tb ? j * k + p : p * n + j] as number);
      c.push(s);
    }
  }
  return c;
}

// Shapes: every product is above the pool's 2^21 multiply-add threshold.
// gemmRows 192x160 * 160x128 (taller than wide: split by rows), gemmCols 64x96 * (512x96)^T
// (wider: split by columns), conv2d x [4,16,16,8] * f [3,3,8,32] 'same' (im2col GEMM
// 1024x72 * 72x32), its input gradient (1024x32 * 32x72) and filter gradient (72x1024 *
// 1024x32) for the loss sum(conv2d(x, f) * w), and gemmRandom 160x200 * 200x144 of normals.
const ISOLATED_PAGE = `<!DOCTYPE html><html><body><script type="module">
const out = {};
try {
  const lm = await import('./dist/index.js');
  const { threadStats } = await import('./dist/backend/wasm/threads.js');
  out.isolated = self.crossOriginIsolated;
  out.backend = lm.getBackend();
  const exact = (shape, step) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = (((i * step) % 13) - 6) / 8;
    return lm.tensor(v, shape);
  };
  const a1 = exact([192, 160], 7), b1 = exact([160, 128], 5);
  const a2 = exact([64, 96], 3), b2 = exact([512, 96], 11);
  const x = exact([4, 16, 16, 8], 5), f = exact([3, 3, 8, 32], 7), w = exact([4, 16, 16, 32], 3);
  const ra = lm.randomNormal([160, 200], 0, 1, 1), rb = lm.randomNormal([200, 144], 0, 1, 2);
  const convGrads = lm.valueAndGrads((xx, ff) => lm.conv2d(xx, ff, 1, 'same').mul(w).sum());
  const compute = () => {
    const { grads } = convGrads([x, f]);
    const ts = { gemmRows: lm.matMul(a1, b1), gemmCols: lm.matMul(a2, b2, false, true),
      conv: lm.conv2d(x, f, 1, 'same'), convDx: grads[0], convDf: grads[1], gemmRandom: lm.matMul(ra, rb) };
    return Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, Array.from(t.dataSync())]));
  };
  lm.setBackend('js');
  out.js = compute();
  lm.setBackend('wasm');
  lm.setThreads(1);
  out.one = compute();
  out.statsBefore = threadStats();
  lm.setThreads(2);
  out.threads = lm.getThreads();
  // Before the page yields (the browser starts the worker from the event loop): the kernels
  // must not wait for a worker that has not started.
  let t0 = performance.now();
  out.early = compute();
  out.earlyMs = performance.now() - t0;
  out.statsEarly = threadStats();
  // Let the workers start.
  t0 = performance.now();
  await lm.threadsReady(10000);
  out.readyMs = performance.now() - t0
  out.statsReady = threadStats();
  out.two = compute();
  out.statsAfter = threadStats();
  out.small = Array.from(lm.matMul(exact([32, 32], 3), exact([32, 32], 5)).dataSync());
  out.statsSmall = threadStats();
  lm.setThreads(1);
  out.threadsStopped = lm.getThreads();
  out.statsStopped = threadStats();
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  window.__result = out;
}
</script></body></html>`;

const PLAIN_PAGE = `<!DOCTYPE html><html><body><script type="module">
const out = {};
try {
  const lm = await import('./dist/index.js');
  out.isolated = self.crossOriginIsolated;
  out.sharedArrayBuffer = typeof SharedArrayBuffer;
  out.backend = lm.getBackend();
  try {
    lm.setThreads(2);
    out.setThreads = 'returned';
  } catch (e) {
    out.setThreads = e.constructor.name + ': ' + e.message;
  }
  out.threads = lm.getThreads();
  lm.setThreads(1);
  out.product = lm.matMul(lm.tensor([[1, 2], [3, 4]]), lm.tensor([[5], [6]])).arraySync();
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  window.__result = out;
}
</script></body></html>`;

type Outputs = Record<string, number[]>;
interface Stats {
  workers: number;
  ready: number;
  tasks: number;
}

/** The outputs compared (each comes from GEMMs above the threshold). */
const SPLIT = ['gemmRows', 'gemmCols', 'conv', 'convDx', 'convDf', 'gemmRandom'];
/**
 * Shares a worker runs per compute(): 7 GEMMs (the three matMuls, conv2d, and conv2d's forward
 * and two backward passes in the gradient) and 4 per-image column kernels above their 64K-element
 * threshold (im2col for the two forward convolutions and the filter gradient, col2im for the
 * input gradient).
 */
const SPLIT_SHARES = 11;

test('thread pool in Chromium: setThreads(2) on a cross-origin isolated page, and without isolation', async (t) => {
  await withChromium(t, async (browser) => {
    const [isolated, plain] = await Promise.all([
      browser.run(ISOLATED_PAGE),
      browser.run(PLAIN_PAGE, { isolated: false }),
    ]);

    await t.test('cross-origin isolated: same numbers with 2 threads, work ran on workers', () => {
      const r = isolated.result;
      assert.equal(r.error, undefined, String(r.error));
      assert.deepEqual(isolated.errors, []);
      assert.equal(r.isolated, true);
      assert.equal(r.backend, 'wasm');
      assert.equal(r.threads, 2);

      const js = r.js as Outputs;
      const one = r.one as Outputs;
      const early = r.early as Outputs;
      const two = r.two as Outputs;
      // The exact-valued GEMMs against a double-precision product computed here.
      assert.deepEqual(js.gemmRows, gemm(exact(192 * 160, 7), exact(160 * 128, 5), 192, 160, 128));
      assert.deepEqual(
        js.gemmCols,
        gemm(exact(64 * 96, 3), exact(512 * 96, 11), 64, 96, 512, true),
      );
      for (const name of SPLIT) {
        const want = one[name] as number[];
        assert.ok(want.length > 2000, `${name}: ${want.length} values`);
        assert.ok(
          want.some((v) => v !== 0),
          `${name}: not all zeros`,
        );
        // 2 threads give 1 thread's bits, before and after the workers started.
        assert.deepEqual(two[name], want, `${name}: 2 threads vs 1`);
        assert.deepEqual(early[name], want, `${name}: 2 threads, workers not started, vs 1`);
        if (name === 'gemmRandom') {
          // The wasm GEMM accumulates in float32, the reference in doubles: values are about
          // sqrt(200) ~ 14 in size, float32 steps there are 1e-6, and 200 terms are summed.
          const ref = js[name] as number[];
          const worst = Math.max(...want.map((v, i) => Math.abs(v - (ref[i] as number))));
          // (worst > 0: the reference really ran, not the wasm kernels twice.)
          assert.ok(worst > 0 && worst <= 1e-4, `${name}: wasm vs js reference differ by ${worst}`);
        } else {
          assert.deepEqual(want, js[name], `${name}: wasm vs js reference`);
        }
      }

      const before = r.statsBefore as Stats;
      const early_ = r.statsEarly as Stats;
      const ready = r.statsReady as Stats;
      const after = r.statsAfter as Stats;
      const small = r.statsSmall as Stats;
      const stopped = r.statsStopped as Stats;
      assert.deepEqual(before, { workers: 0, ready: 0, tasks: 0 });
      assert.equal(early_.workers, 1);
      // The first kernels did not wait for a worker that cannot start (that hung for 60 s).
      assert.ok(
        (r.earlyMs as number) < 5000,
        `kernels before the workers started: ${String(r.earlyMs)} ms`,
      );
      assert.equal(ready.ready, 1, `the worker started within ${String(r.readyMs)} ms`);
      // One share per GEMM ran on the worker (2 threads: the page's thread and one worker).
      assert.equal(after.tasks - ready.tasks, SPLIT_SHARES, 'shares run by the worker');
      assert.equal(small.tasks, after.tasks, 'a 32x32x32 product stays on the calling thread');
      assert.deepEqual(
        r.small,
        gemm(exact(32 * 32, 3), exact(32 * 32, 5), 32, 32, 32),
        'the small product',
      );
      assert.equal(r.threadsStopped, 1);
      assert.deepEqual(stopped, { workers: 0, ready: 0, tasks: after.tasks });
    });

    await t.test('not isolated: setThreads(2) throws, naming the headers; one thread works', () => {
      const r = plain.result;
      assert.equal(r.error, undefined, String(r.error));
      assert.deepEqual(plain.errors, []);
      assert.equal(r.isolated, false);
      assert.equal(r.sharedArrayBuffer, 'undefined');
      assert.equal(r.backend, 'wasm', 'the plain-memory build still loads');
      assert.match(String(r.setThreads), /^LaminaError: setThreads: .*cross-origin isolated/);
      assert.match(String(r.setThreads), /COOP same-origin/);
      assert.match(String(r.setThreads), /COEP require-corp/);
      assert.equal(r.threads, 1);
      assert.deepEqual(r.product, [[17], [39]]);
    });
  });
});
