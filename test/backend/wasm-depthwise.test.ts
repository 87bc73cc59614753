/**
 * The wasm backend's native depthwise convolution and its two gradients against the reference
 * kernels, called directly through both kernel tables: channel multipliers 1 (4 channels at a
 * time plus a scalar tail) and above (one float at a time), strides, 'same' padding on every
 * side, dilation, windows larger than the image.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsBackend } from '../../src/backend/js/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import type { Conv2DAttrs } from '../../src/backend/kernels.js';
import type { OutputInfo, TensorInfo } from '../../src/index.js';

type Impl = (i: readonly TensorInfo[], a: unknown, o: OutputInfo) => object;
let seed = 11;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const floats = (n: number): Float32Array => Float32Array.from({ length: n }, rand);
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Output size and padding before/after of one dimension, as TensorFlow computes them. */
function dim(n: number, k: number, s: number, d: number, same: boolean): [number, number, number] {
  const eff = (k - 1) * d + 1;
  if (!same) return [Math.ceil((n - eff + 1) / s), 0, 0];
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + eff - n, 0);
  return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
}

function run(name: string, ins: [number[], Float32Array][], attrs: unknown, out: number[]) {
  const call = (b: typeof jsBackend): Float32Array => {
    const infos = ins.map(([shape, v]): TensorInfo => ({
      shape,
      dtype: 'float32',
      data: b.write(v.slice()),
    }));
    const impl = (b.kernels as unknown as Record<string, Impl>)[name] as Impl;
    return b.read(impl(infos, attrs, { shape: out, dtype: 'float32' })) as Float32Array;
  };
  return { want: call(jsBackend), got: call(wasmBackend as unknown as typeof jsBackend) };
}

function assertNear(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const g = got[i] as number;
    assert.ok(
      Math.abs(g - w) <= 1e-5 * (1 + Math.abs(w)),
      `${what}: element ${i} is ${g}, the reference gives ${w}`,
    );
  }
}

const cases: {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  same: boolean;
}[] = [
  // multiplier 1: 8 channels (two f32x4), 'same' 3x3 (MobileNet's block)
  { x: [2, 7, 6, 8], f: [3, 3, 8, 1], strides: [1, 1], dilations: [1, 1], same: true },
  // 5 channels: one f32x4 and a scalar tail; stride 2, odd sizes
  { x: [1, 9, 8, 5], f: [3, 3, 5, 1], strides: [2, 2], dilations: [1, 1], same: true },
  // 3 channels (scalar only), dilation 2, 'valid', unequal strides
  { x: [2, 10, 11, 3], f: [2, 3, 3, 1], strides: [1, 2], dilations: [2, 2], same: false },
  // multipliers 2 and 3, 'same' with a 5x5 window larger than a 4x3 image
  { x: [1, 7, 6, 3], f: [3, 3, 3, 2], strides: [2, 1], dilations: [1, 1], same: true },
  { x: [2, 4, 3, 2], f: [5, 5, 2, 3], strides: [1, 1], dilations: [1, 1], same: true },
  { x: [1, 8, 9, 4], f: [3, 2, 4, 2], strides: [1, 1], dilations: [2, 1], same: false },
];

test('the depthwise kernels are native on wasm', () => {
  if (wasmBackend === null) return;
  for (const k of [
    'DepthwiseConv2D',
    'DepthwiseConv2DBackpropInput',
    'DepthwiseConv2DBackpropFilter',
  ] as const)
    assert.ok(wasmBackend.nativeKernels.has(k), k);
});

cases.forEach((c, i) => {
  test(`depthwise forward, input and filter gradients ${i}: x ${c.x.join('x')}, f ${c.f.join('x')}`, () => {
    if (wasmBackend === null) return;
    const [n, h, w, ch] = c.x;
    const [fh, fw, , mult] = c.f;
    const [oh, top, bottom] = dim(h, fh, c.strides[0], c.dilations[0], c.same);
    const [ow, left, right] = dim(w, fw, c.strides[1], c.dilations[1], c.same);
    const attrs: Conv2DAttrs = {
      strides: c.strides,
      dilations: c.dilations,
      pad: { top, bottom, left, right },
    };
    const yShape = [n, oh, ow, ch * mult];
    const x = floats(size(c.x));
    const f = floats(size(c.f));
    const dy = floats(size(yShape));
    const fwd = run(
      'DepthwiseConv2D',
      [
        [c.x, x],
        [c.f, f],
      ],
      attrs,
      yShape,
    );
    assertNear(fwd.got, fwd.want, 'forward');
    const dx = run(
      'DepthwiseConv2DBackpropInput',
      [
        [yShape, dy],
        [c.f, f],
      ],
      { ...attrs, inputShape: c.x },
      c.x,
    );
    assertNear(dx.got, dx.want, 'input gradient');
    const df = run(
      'DepthwiseConv2DBackpropFilter',
      [
        [c.x, x],
        [yShape, dy],
      ],
      { ...attrs, filterShape: c.f },
      c.f,
    );
    assertNear(df.got, df.want, 'filter gradient');
    // Not all zero: a kernel that wrote nothing would not match, but say so plainly.
    assert.ok(fwd.want.some((v) => v !== 0) && df.want.some((v) => v !== 0));
  });
});
