/**
 * The wasm backend's memory: JS arrays are the canonical storage and linear memory a cache that
 * is reset when full, so a synchronous loop (no finalizer ever runs) stays bounded, and values
 * survive any number of resets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lm from '../../src/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';

test('a synchronous training loop keeps linear memory bounded and survives cache resets', () => {
  if (wasmBackend === null) return;
  const mem = wasmBackend.mem;
  const saved = mem.cacheBytes;
  lm.setBackend('wasm');
  try {
    // A tiny cache forces a reset every few kernels, with tensors chained across resets.
    mem.cacheBytes = 64 * 1024;
    const run = (): Float32Array => {
      const x = lm.randomNormal([64, 16], 0, 1, 1);
      const y = lm.randomNormal([64, 1], 0, 1, 2);
      const w1 = lm.variable(lm.randomNormal([16, 32], 0, 0.1, 3), { name: 'w1' });
      const w2 = lm.variable(lm.randomNormal([32, 1], 0, 0.1, 4), { name: 'w2' });
      const losses = new Float32Array(300);
      for (let step = 0; step < 300; step++) {
        const { value, grads } = lm.variableGrads(() =>
          lm.matMul(lm.matMul(x, w1).relu(), w2).sub(y).square().mean(),
        );
        for (const v of [w1, w2]) v.assign(v.sub((grads[v.name] as lm.Tensor).mul(0.05)));
        losses[step] = value.dataSync()[0] as number;
      }
      return losses;
    };
    const resetsBefore = mem.resets;
    const memoryBefore = mem.memory.buffer.byteLength;
    const small = run();
    assert.ok(mem.resets - resetsBefore > 100, `only ${mem.resets - resetsBefore} resets`);
    // The cache is bounded by cacheBytes plus one kernel's needs: no growth in the loop.
    assert.equal(mem.memory.buffer.byteLength, memoryBefore);
    // The same loop with a cache that never resets gives the same losses, bit for bit.
    mem.cacheBytes = 2 ** 30;
    mem.reset();
    const large = run();
    assert.deepEqual(small, large);
    assert.ok((small[299] as number) < (small[0] as number));
  } finally {
    mem.cacheBytes = saved;
    lm.setBackend('wasm');
  }
});
