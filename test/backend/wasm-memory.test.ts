/**
 * The wasm backend's memory: JS arrays are the canonical storage and linear memory a cache that
 * is reset when full, so a synchronous loop (no finalizer ever runs) stays bounded, and values
 * survive any number of resets.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as lm from '../../src/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import { leadingSlice, releaseTransient, runKernel } from '../../src/engine/engine.js';
import type { WasmData } from '../../src/backend/wasm/memory.js';
import { matMulBiasActivation } from '../../src/ops/fused.js';
import { conv2dBiasActivation } from '../../src/ops/conv.js';

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

test('a kernel whose output would overflow the cache resets it first, keeping that output resident', () => {
  if (wasmBackend === null) return;
  const mem = wasmBackend.mem;
  const saved = mem.cacheBytes;
  lm.setBackend('wasm');
  try {
    mem.cacheBytes = 1024 * 1024;
    const n = 96 * 1024; // 384 KiB of float32
    const a = lm.tensor(new Float32Array(n).fill(1.5));
    const small = lm.tensor(new Float32Array(1024).fill(2));
    const counters = () => ({ resets: mem.resets, bytesIn: mem.bytesIn });
    mem.reset();
    const s = lm.neg(small); // resident, 4 KiB
    const b = lm.neg(a); // a copied in, b out: 772 KiB in use
    // Tile's 384 KiB output would carry the cache past 1 MiB; its resident input is 4 KiB: the
    // reset comes before it, so the negation after it finds it resident (no copy in).
    let before = counters();
    const tiled = lm.tile(s, [96]);
    assert.equal(mem.resets - before.resets, 1, 'reset before the tile');
    before = counters();
    const negated = lm.neg(tiled);
    assert.equal(mem.resets - before.resets, 0);
    assert.equal(mem.bytesIn - before.bytesIn, 0, 'the tile output was resident');
    assert.equal(negated.dataSync()[n - 1], 2);
    // A kernel whose resident inputs outweigh its output keeps them: no reset before it, even
    // though its output overflows the cache (the next kernel resets).
    mem.reset();
    const c = lm.neg(a); // 768 KiB in use
    before = counters();
    const d = lm.neg(c);
    assert.equal(mem.resets - before.resets, 0, 'no reset before');
    assert.equal(mem.bytesIn - before.bytesIn, 0, 'its input stayed resident');
    before = counters();
    lm.neg(d);
    assert.equal(mem.resets - before.resets, 1, 'the next kernel resets');
    assert.equal(b.dataSync()[0], -1.5);
  } finally {
    mem.cacheBytes = saved;
    lm.setBackend('wasm');
  }
});

test('transient outputs: kept in the cache until read, released, or written out at the second reset', () => {
  if (wasmBackend === null) return;
  const mem = wasmBackend.mem;
  lm.setBackend('wasm');
  try {
    const x = lm.tensor(Float32Array.from({ length: 1000 }, (_, i) => i));
    const transientNeg = (t: lm.Tensor): lm.Tensor =>
      runKernel('Neg', [t], {}, { shape: t.shape, dtype: 'float32', transient: true });
    // Released after the kernel that reads it: never copied out, not even at the next reset.
    let out = mem.bytesOut;
    const released = transientNeg(x);
    const doubled = lm.add(released, released);
    assert.equal(mem.bytesOut - out, 4000, 'only the sum was copied out');
    releaseTransient(released);
    out = mem.bytesOut;
    mem.reset();
    assert.equal(mem.bytesOut - out, 0);
    assert.equal(doubled.dataSync()[999], -1998);
    assert.throws(() => released.dataSync(), /a transient value was read after it was released/);
    // Held and never released: carried over the first reset (moved, still resident: nothing
    // copied out or in), written out before the second drops its block.
    const held = transientNeg(x);
    const heldData = held.storage.data as WasmData;
    const filler = lm.neg(x); // held now lies above the cache's start, so the reset moves it
    out = mem.bytesOut;
    const inBefore = mem.bytesIn;
    mem.reset();
    assert.equal(mem.bytesOut - out, 0, 'carried, not written out');
    assert.equal(heldData.js, null);
    assert.equal(lm.neg(held).dataSync()[7], 7);
    assert.equal(mem.bytesIn - inBefore, 0, 'still resident after the reset');
    out = mem.bytesOut;
    mem.reset();
    assert.equal(mem.bytesOut - out, 4000, 'written out at the second reset');
    assert.equal(held.dataSync()[7], -7);
    assert.equal(filler.dataSync()[999], -999);
    // Views on a held value are resident-only: taking them writes nothing; before a reset each is
    // written out (one lying within another shares its array), and the value, released, is not.
    const whole = transientNeg(x);
    const first = leadingSlice(whole, 0, 600);
    const inner = leadingSlice(first, 100, 200);
    out = mem.bytesOut;
    releaseTransient(whole);
    assert.equal(mem.bytesOut - out, 0, 'views taken, nothing written');
    mem.reset();
    assert.equal(mem.bytesOut - out, 2400, 'the outer view only');
    assert.equal(first.dataSync()[599], -599);
    assert.equal(inner.dataSync()[0], -100);
    assert.equal(
      (inner.storage.data as WasmData).js?.buffer,
      (first.storage.data as WasmData).js?.buffer,
    );
    // Read before any reset: written out then, and a release after that changes nothing.
    const read = transientNeg(x);
    assert.equal(read.dataSync()[3], -3);
    releaseTransient(read);
    mem.reset();
    assert.equal(lm.add(read, 1).dataSync()[3], -2);
  } finally {
    lm.setBackend('wasm');
  }
});

test('a gradient that is the fold’s transient value itself (relu then max pooling) is not released', () => {
  if (wasmBackend === null) return;
  lm.setBackend('wasm');
  const z = lm.tensor(
    Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => ((i * 7) % 11) - 5),
    [2, 4, 4, 3],
  );
  const [g] = lm.grads((t: lm.Tensor) => lm.sum(lm.maxPool2d(lm.relu(t), 2)))([z]);
  wasmBackend.mem.reset();
  lm.setBackend('js');
  const [want] = lm.grads((t: lm.Tensor) => lm.sum(lm.maxPool2d(lm.relu(t), 2)))([z]);
  lm.setBackend('wasm');
  assert.deepEqual(
    Array.from((g as lm.Tensor).dataSync()),
    Array.from((want as lm.Tensor).dataSync()),
  );
});

test('relu-activated layer kernels release their transient dz after the rule (not linear ones)', () => {
  if (wasmBackend === null) return;
  const backend = wasmBackend as { release?: (h: object) => void };
  const release = backend.release;
  const value = (n: number, seed: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => (((i + seed) * 7919) % 23) / 4 - 2.5);
  const a = lm.tensor(value(40 * 7, 1), [40, 7]);
  const w = lm.tensor(value(7 * 9, 2), [7, 9]);
  const b = lm.tensor(value(9, 3), [9]);
  const x = lm.tensor(value(2 * 6 * 6 * 2, 4), [2, 6, 6, 2]);
  const f = lm.tensor(value(3 * 3 * 2 * 5, 5), [3, 3, 2, 5]);
  const fb = lm.tensor(value(5, 6), [5]);
  const cases: [string, () => lm.Tensor[], number][] = (['relu', 'linear'] as const).flatMap(
    (activation): [string, () => lm.Tensor[], number][] => [
      [
        `dense ${activation}`,
        () =>
          lm.grads((p, q, r) => lm.sum(lm.square(matMulBiasActivation(p, q, r, activation))))([
            a,
            w,
            b,
          ]),
        activation === 'relu' ? 1 : 0,
      ],
      [
        `conv ${activation}`,
        () =>
          lm.grads((p, q, r) => lm.sum(lm.square(conv2dBiasActivation(p, q, r, activation))))([
            x,
            f,
            fb,
          ]),
        activation === 'relu' ? 1 : 0,
      ],
    ],
  );
  try {
    for (const [name, run, releases] of cases) {
      lm.setBackend('wasm');
      // Read before any reset: the values the kernels computed.
      const want = run().map((g) => Array.from(g.dataSync()));
      let calls = 0;
      backend.release = (h) => {
        calls++;
        release?.(h);
      };
      const got = run();
      backend.release = release;
      assert.equal(calls, releases, name);
      // After a reset, only what JS holds is left: every gradient must have been written out.
      wasmBackend.mem.reset();
      got.forEach((g, k) => assert.deepEqual(Array.from(g.dataSync()), want[k], `${name} ${k}`));
    }
  } finally {
    backend.release = release;
    lm.setBackend('wasm');
  }
});

test('a recurrent layer outside a recording keeps its input projection in the cache, never in JS', () => {
  if (wasmBackend === null) return;
  const mem = wasmBackend.mem;
  lm.setBackend('wasm');
  const [batch, steps, features, units] = [4, 5, 3, 16];
  lm.setSeed(3);
  const layer = lm.layers.lstm({ units, returnSequences: true });
  const x = lm.tensor(
    Float32Array.from({ length: batch * steps * features }, (_, i) => Math.sin(i)),
    [batch, steps, features],
  );
  layer.apply(x); // builds the weights (their initial values are copied out once)
  const projectionBytes = steps * batch * 4 * units * 4;
  const before = mem.bytesOut;
  const y = layer.apply(x) as lm.Tensor;
  const copiedOut = mem.bytesOut - before;
  // The published outputs and states, (steps + 2) x batch x units floats, and the transposes
  // around them are all that left the cache: the 4 x units-wide projection did not.
  assert.ok(
    copiedOut < projectionBytes,
    `${copiedOut} bytes copied out, the projection alone is ${projectionBytes}`,
  );
  mem.reset();
  // The same values as a recorded call's forward pass.
  const again = lm.valueAndGrads((v) => lm.sum(layer.apply(v) as lm.Tensor))([x]);
  assert.equal(lm.sum(y).dataSync()[0], again.value.dataSync()[0]);
});

test('an LSTM training step copies neither its record nor its projection out, across resets too', () => {
  if (wasmBackend === null) return;
  const mem = wasmBackend.mem;
  const saved = mem.cacheBytes;
  const spied = mem as unknown as { copyOut(d: WasmData): unknown };
  const copyOut = spied.copyOut;
  const copied: number[] = [];
  spied.copyOut = function (this: typeof mem, d: WasmData) {
    copied.push(d.length);
    return copyOut.call(this, d);
  };
  lm.setBackend('wasm');
  try {
    const [T, B, F, U] = [6, 8, 5, 16];
    const recordLength = (T + 2 + T + 4 * T + 2 * T) * B * U;
    const projectionLength = T * B * 4 * U;
    const run = (cacheBytes: number): { values: number[]; resets: number } => {
      mem.cacheBytes = cacheBytes;
      mem.reset();
      const resets = mem.resets;
      lm.setSeed(3);
      const layer = lm.layers.lstm({ units: U });
      const x = lm.randomNormal([B, T, F], 0, 1, 4);
      const values: number[] = [];
      for (let step = 0; step < 6; step++) {
        const { value, grads } = lm.variableGrads(() =>
          lm.sum(lm.square(layer.apply(x) as lm.Tensor)),
        );
        for (const w of layer.trainableWeights)
          w.assign(w.sub((grads[w.name] as lm.Tensor).mul(0.01)));
        values.push(value.dataSync()[0] as number);
      }
      for (const w of layer.trainableWeights) values.push(...w.dataSync());
      return { values, resets: mem.resets - resets };
    };
    const large = run(2 ** 30);
    copied.length = 0;
    const small = run(64 * 1024);
    assert.ok(small.resets >= 6, `${small.resets} resets`);
    assert.deepEqual(small.values, large.values);
    assert.ok(!copied.includes(recordLength), 'the record was copied out');
    assert.ok(!copied.includes(projectionLength), 'the projection was copied out');
  } finally {
    spied.copyOut = copyOut;
    mem.cacheBytes = saved;
    mem.reset();
    lm.setBackend('wasm');
  }
});
