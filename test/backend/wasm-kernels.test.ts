/**
 * The wasm backend's native broadcasting, movement, comparison and cast kernels against the
 * reference kernels, called directly through both kernel tables on awkward shapes (broadcast on
 * inner and outer axes, size-1 and empty dimensions, negative and zero strides, bool and int32).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsBackend } from '../../src/backend/js/index.js';
import { wasmBackend } from '../../src/backend/wasm/instance.js';
import type { OutputInfo, TensorInfo } from '../../src/index.js';
import type { DType, TypedArray } from '../../src/tensor/dtype.js';
import { sizeOf } from '../../src/tensor/shape.js';

type Impl = (i: readonly TensorInfo[], a: unknown, o: OutputInfo) => object;
let seed = 7;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;

function values(shape: number[], dtype: DType): TypedArray {
  const n = sizeOf(shape);
  if (dtype === 'bool') return Uint8Array.from({ length: n }, () => (rand() > 0 ? 1 : 0));
  if (dtype === 'int32') return Int32Array.from({ length: n }, () => Math.round(rand() * 50));
  // Some exact ties and zeros, so comparisons and maximum see equal operands.
  return Float32Array.from({ length: n }, () => {
    const r = rand();
    return Math.abs(r) < 0.1 ? 0 : Math.round(r * 8) / 4;
  });
}

function check(
  name: string,
  ins: { shape: number[]; dtype: DType; values?: TypedArray }[],
  attrs: unknown,
  out: OutputInfo,
): void {
  if (wasmBackend === null) return;
  const vals = ins.map((i) => i.values ?? values(i.shape, i.dtype));
  const run = (b: typeof jsBackend | typeof wasmBackend): TypedArray => {
    const infos = ins.map((i, t): TensorInfo => ({
      shape: i.shape,
      dtype: i.dtype,
      data: b!.write(vals[t]!.slice()),
    }));
    return b!.read((b!.kernels as unknown as Record<string, Impl>)[name]!(infos, attrs, out));
  };
  const want = run(jsBackend);
  const got = run(wasmBackend);
  assert.equal(got.constructor, want.constructor, `${name}: output type`);
  assert.deepEqual(
    Array.from(got),
    Array.from(want),
    `${name} ${JSON.stringify(ins.map((i) => i.shape))}`,
  );
}

const f = (...shape: number[]) => ({ shape, dtype: 'float32' as DType });

test('binary ops and comparisons broadcast like the reference', () => {
  const cases: [number[], number[], number[]][] = [
    [
      [3, 4],
      [3, 4],
      [3, 4],
    ],
    [[3, 4], [], [3, 4]],
    [[], [3, 4], [3, 4]],
    [
      [2, 3, 5],
      [3, 1],
      [2, 3, 5],
    ],
    [
      [2, 1, 5],
      [1, 3, 1],
      [2, 3, 5],
    ],
    [
      [4, 1],
      [1, 7],
      [4, 7],
    ],
    [
      [2, 3, 4, 5],
      [1, 3, 1, 5],
      [2, 3, 4, 5],
    ],
    [
      [0, 3],
      [1, 3],
      [0, 3],
    ],
    [[1], [9], [9]],
  ];
  for (const [a, b, o] of cases) {
    for (const k of ['Add', 'Sub', 'Mul', 'Div', 'Maximum', 'Minimum'])
      check(k, [f(...a), f(...b)], {}, { shape: o, dtype: 'float32' });
    for (const k of ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual'])
      check(k, [f(...a), f(...b)], {}, { shape: o, dtype: 'bool' });
  }
  // NaN handling of maximum / minimum and comparisons.
  const nan = Float32Array.from([NaN, 1, -0, 0, 2, NaN, 5, -3]);
  const other = Float32Array.from([1, NaN, 0, -0, 2, NaN, -5, 3]);
  for (const k of ['Maximum', 'Minimum'])
    check(
      k,
      [
        { ...f(8), values: nan },
        { ...f(8), values: other },
      ],
      {},
      { shape: [8], dtype: 'float32' },
    );
  check(
    'Greater',
    [
      { ...f(8), values: nan },
      { ...f(8), values: other },
    ],
    {},
    { shape: [8], dtype: 'bool' },
  );
});

test('where, cast and unary kernels match the reference', () => {
  const b = (...shape: number[]) => ({ shape, dtype: 'bool' as DType });
  check('Where', [b(4, 5), f(4, 5), f()], {}, { shape: [4, 5], dtype: 'float32' });
  check('Where', [b(4, 1), f(1, 5), f(4, 5)], {}, { shape: [4, 5], dtype: 'float32' });
  check(
    'Where',
    [b(3), { shape: [2, 3], dtype: 'int32' }, { shape: [], dtype: 'int32' }],
    {},
    { shape: [2, 3], dtype: 'int32' },
  );
  const big = Float32Array.from([1.5, -2.7, 3e9, -3e9, NaN, Infinity, 0, -0.5]);
  for (const dtype of ['int32', 'bool', 'float32'] as const)
    check('Cast', [{ ...f(8), values: big }], { dtype }, { shape: [8], dtype });
  for (const from of ['int32', 'bool'] as const)
    for (const dtype of ['int32', 'bool', 'float32'] as const)
      check('Cast', [{ shape: [3, 3], dtype: from }], { dtype }, { shape: [3, 3], dtype });
  const u = Float32Array.from([4, 2.25, 0, -0, -1, NaN, 1e-3, 7.5, -7.5, 0.5, 1.5, 1e30]);
  for (const k of ['Sign', 'Sqrt', 'Rsqrt', 'Reciprocal', 'Floor', 'Ceil'])
    check(k, [{ ...f(12), values: u }], {}, { shape: [12], dtype: 'float32' });
});

test('movement kernels (transpose, slice, reverse, tile) and sum over inner axes', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    const t = (...shape: number[]) => ({ shape, dtype });
    check('Transpose', [t(5, 7)], { perm: [1, 0] }, { shape: [7, 5], dtype });
    check('Transpose', [t(33, 17)], { perm: [1, 0] }, { shape: [17, 33], dtype });
    check('Transpose', [t(2, 3, 4)], { perm: [2, 0, 1] }, { shape: [4, 2, 3], dtype });
    check('Transpose', [t(2, 3, 4)], { perm: [0, 2, 1] }, { shape: [2, 4, 3], dtype });
    check('Transpose', [t(1, 6, 1)], { perm: [2, 1, 0] }, { shape: [1, 6, 1], dtype });
    check('Slice', [t(6, 7)], { begin: [1, 2], strides: [2, 1] }, { shape: [3, 4], dtype });
    check('Slice', [t(10)], { begin: [1], strides: [3] }, { shape: [3], dtype });
    check('Reverse', [t(3, 4, 5)], { axes: [0, 2] }, { shape: [3, 4, 5], dtype });
    check('Tile', [t(1, 1)], { reps: [4, 6] }, { shape: [4, 6], dtype });
    check('Tile', [t(2, 3)], { reps: [2, 3] }, { shape: [4, 9], dtype });
    check('Tile', [t(0, 3)], { reps: [2, 1] }, { shape: [0, 3], dtype });
  }
  check('Sum', [f(3, 4, 5)], { axes: [1] }, { shape: [3, 5], dtype: 'float32' });
  check('Sum', [f(3, 4, 5)], { axes: [0, 2] }, { shape: [4], dtype: 'float32' });
  check('Sum', [f(2, 3, 4, 5)], { axes: [1, 3] }, { shape: [2, 4], dtype: 'float32' });
});

test('BatchMatMul and the convolutions write every output element over stale cache blocks', () => {
  if (wasmBackend === null) return;
  const wasm = wasmBackend;
  const dirty = (): void => {
    // Fill the cache region with non-zero values, then reuse it from the start.
    wasm.mem.reset();
    const n = 1 << 20;
    const x: TensorInfo = {
      shape: [n],
      dtype: 'float32',
      data: wasm.write(new Float32Array(n).fill(7)),
    };
    (wasm.kernels as unknown as Record<string, Impl>).Add!(
      [x, x],
      {},
      { shape: [n], dtype: 'float32' },
    );
    wasm.mem.reset();
  };
  const mm = (a: number[], b: number[], transposeA: boolean, transposeB: boolean): void => {
    const m = transposeA ? a[2]! : a[1]!;
    const n = transposeB ? b[1]! : b[2]!;
    dirty();
    check(
      'BatchMatMul',
      [f(...a), f(...b)],
      { transposeA, transposeB },
      f(Math.max(a[0]!, b[0]!), m, n),
    );
  };
  // Edge tiles (m % 4, n % 8), several k-panels (k > 256), every transpose, batches.
  mm([1, 7, 300], [1, 300, 13], false, false);
  mm([1, 300, 7], [1, 13, 300], true, true);
  mm([3, 5, 9], [1, 9, 11], false, false);
  mm([2, 9, 5], [2, 11, 9], true, true);
  // k = 0: the product is zeros, whatever the block held.
  mm([1, 6, 0], [1, 0, 10], false, false);
  mm([2, 3, 0], [2, 0, 4], false, false);

  // The convolutions' GEMMs write over stale blocks too (column chunks, pointwise, filters).
  const pad = { top: 1, bottom: 0, left: 0, right: 1 };
  for (const [x, filter, strides] of [
    [
      [3, 9, 7, 5],
      [3, 3, 5, 6],
      [1, 1],
    ],
    [
      [2, 6, 6, 8],
      [1, 1, 8, 4],
      [1, 1],
    ],
    [
      [40, 12, 12, 16],
      [3, 3, 16, 8],
      [2, 2],
    ],
  ] as [number[], number[], [number, number]][]) {
    const attrs = {
      strides,
      dilations: [1, 1] as const,
      pad: filter[0] === 1 ? { top: 0, bottom: 0, left: 0, right: 0 } : pad,
    };
    const p = attrs.pad;
    const oh = Math.floor((x[1]! + p.top + p.bottom - filter[0]!) / strides[0]) + 1;
    const ow = Math.floor((x[2]! + p.left + p.right - filter[1]!) / strides[1]) + 1;
    const y = [x[0]!, oh, ow, filter[3]!];
    dirty();
    check('Conv2D', [f(...x), f(...filter)], attrs, f(...y));
    dirty();
    check('Conv2DBackpropInput', [f(...y), f(...filter)], { ...attrs, inputShape: x }, f(...x));
    dirty();
    check(
      'Conv2DBackpropFilter',
      [f(...x), f(...y)],
      { ...attrs, filterShape: filter },
      f(...filter),
    );
  }
});

test('max pooling and its gradients (plain, relu folded in) match the reference bit for bit (ties, NaN, -0, odd C)', () => {
  // [input h, w, c], pool, strides, padding (top, bottom, left, right)
  type Quad = [number, number, number, number];
  const cases: [[number, number, number], [number, number], [number, number], Quad][] = [
    [
      [6, 6, 8],
      [2, 2],
      [2, 2],
      [0, 0, 0, 0],
    ],
    [
      [7, 5, 5],
      [2, 2],
      [2, 2],
      [0, 0, 0, 0],
    ], // uncovered last row and column
    [
      [7, 5, 3],
      [2, 2],
      [2, 2],
      [0, 1, 0, 1],
    ], // 'same' on odd sizes
    [
      [5, 5, 6],
      [3, 3],
      [2, 2],
      [1, 1, 1, 1],
    ], // overlapping windows, 'same'
    [
      [5, 6, 13],
      [3, 2],
      [1, 2],
      [0, 0, 0, 0],
    ], // overlapping rows only
    [
      [4, 4, 1],
      [2, 2],
      [1, 1],
      [0, 1, 0, 1],
    ],
    [
      [8, 7, 4],
      [2, 3],
      [3, 4],
      [0, 0, 0, 0],
    ], // strides beyond the pool: gaps between windows
    [
      [3, 9, 9],
      [1, 2],
      [2, 1],
      [0, 0, 1, 0],
    ],
    [
      [4, 4, 4],
      [4, 4],
      [4, 4],
      [0, 0, 0, 0],
    ],
    [
      [2, 2, 5],
      [3, 3],
      [3, 3],
      [2, 2, 2, 2],
    ], // windows entirely in the padding
  ];
  const special = [NaN, -Infinity, Infinity, -0, 0];
  for (const [[h, w, c], filterSize, strides, [top, bottom, left, right]] of cases) {
    const oh = Math.floor((h + top + bottom - filterSize[0]) / strides[0]) + 1;
    const ow = Math.floor((w + left + right - filterSize[1]) / strides[1]) + 1;
    const attrs = { filterSize, strides, pad: { top, bottom, left, right } };
    const n = 2;
    for (const withSpecial of [false, true]) {
      // Coarse values (many exact ties); some windows with NaN, infinities and signed zeros.
      const xs = values([n, h, w, c], 'float32') as Float32Array;
      if (withSpecial) for (let i = 0; i < xs.length; i += 7) xs[i] = special[i % 5] as number;
      const dys = values([n, oh, ow, c], 'float32') as Float32Array;
      for (let i = 0; i < dys.length; i += 5) dys[i] = -0;
      const x = { ...f(n, h, w, c), values: xs };
      check('MaxPool', [x], attrs, { shape: [n, oh, ow, c], dtype: 'float32' });
      for (const name of ['MaxPoolGrad', 'MaxPoolReluGrad']) {
        check(name, [x, { ...f(n, oh, ow, c), values: dys }], attrs, {
          shape: [n, h, w, c],
          dtype: 'float32',
        });
      }
    }
  }
});

test('Conv2DBiasActivation: bias and relu in the direct kernel’s stores, as the reference', () => {
  // [x, filter, strides, dilations, pad (top, bottom, left, right)]
  type Case = [number[], number[], [number, number], [number, number], number[]];
  const cases: Case[] = [
    // Direct kernel (c < 4, co % 4 == 0): W3's first layer, 4-pixel tiles and a 2-pixel tail
    [
      [3, 12, 11, 1],
      [3, 3, 1, 32],
      [1, 1],
      [1, 1],
      [0, 0, 0, 0],
    ],
    // 'same': bounds-checked border pixels; 12 = 8 + 4 output channels
    [
      [2, 9, 10, 3],
      [3, 3, 3, 12],
      [1, 1],
      [1, 1],
      [1, 1, 1, 1],
    ],
    [
      [1, 11, 13, 2],
      [3, 2, 2, 4],
      [2, 3],
      [1, 1],
      [1, 1, 0, 1],
    ],
    [
      [2, 10, 14, 1],
      [2, 3, 1, 8],
      [1, 1],
      [2, 2],
      [1, 0, 2, 2],
    ],
    // Not direct: the GEMM, then a pass (c = 5; co = 6 with c = 1)
    [
      [2, 8, 9, 5],
      [3, 3, 5, 6],
      [2, 1],
      [1, 1],
      [1, 1, 1, 1],
    ],
    [
      [2, 7, 7, 1],
      [3, 3, 1, 6],
      [1, 1],
      [1, 1],
      [0, 0, 0, 0],
    ],
  ];
  for (const [x, filter, strides, dilations, [top, bottom, left, right]] of cases) {
    const pad = { top: top!, bottom: bottom!, left: left!, right: right! };
    const span = (i: number): number => (filter[i]! - 1) * dilations[i]! + 1;
    const oh = Math.floor((x[1]! + pad.top + pad.bottom - span(0)) / strides[0]) + 1;
    const ow = Math.floor((x[2]! + pad.left + pad.right - span(1)) / strides[1]) + 1;
    const co = filter[3]!;
    // Coarse values (exact sums, many of them zero or negative); a NaN pixel in the first image.
    const xs = values(x, 'float32') as Float32Array;
    xs[5] = NaN;
    for (const activation of ['linear', 'relu'] as const) {
      check(
        'Conv2DBiasActivation',
        [f(...x), f(...filter), f(co)].map((i, t) => (t === 0 ? { ...i, values: xs } : i)),
        { strides, dilations, pad, activation },
        f(x[0]!, oh, ow, co),
      );
    }
  }
});

test('Sum over leading axes: the reference bits on long columns, across chunks and column blocks', () => {
  // Magnitudes spread over 10^-3 .. 10^4 (float64 sums rounded once, as the reference does);
  // widths with and without 16-column blocks and a remainder, row counts across 16 KB chunks.
  const spread = (n: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => rand() * 10 ** ((i % 8) - 3));
  for (const [rows, inner] of [
    [50_000, 32],
    [3_001, 33],
    [4_100, 16],
    [700, 7],
    [3, 40],
    [1, 17],
    [0, 32],
    [5, 0],
  ] as [number, number][]) {
    const x = { shape: [rows, inner], dtype: 'float32' as DType, values: spread(rows * inner) };
    check('Sum', [x], { axes: [0] }, { shape: [inner], dtype: 'float32' });
  }
  check(
    'Sum',
    [{ shape: [8, 26, 26, 32], dtype: 'float32', values: spread(8 * 26 * 26 * 32) }],
    { axes: [0, 1, 2] },
    { shape: [32], dtype: 'float32' },
  );
});
