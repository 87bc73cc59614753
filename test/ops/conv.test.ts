import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  avgPool2d,
  conv1d,
  conv2d,
  conv2dTranspose,
  depthwiseConv2d,
  grads,
  maxPool2d,
  mul,
  randomNormal,
  reshape,
  range,
  sum,
  tensor,
  zeros,
  type PaddingMode,
  type Tensor,
} from '../../src/index.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';

/** TensorFlow's output size and leading padding of one spatial dimension. */
function outSize(
  inSize: number,
  k: number,
  stride: number,
  dilation: number,
  padding: PaddingMode,
): { size: number; before: number } {
  const eff = (k - 1) * dilation + 1;
  if (padding === 'valid') return { size: Math.ceil((inSize - eff + 1) / stride), before: 0 };
  const size = Math.ceil(inSize / stride);
  const total = Math.max((size - 1) * stride + eff - inSize, 0);
  return { size, before: Math.floor(total / 2) };
}

/** Direct float64 convolution (NHWC, filter [fh, fw, cin, cout]); returns flat values and shape. */
function referenceConv2d(
  x: Tensor,
  f: Tensor,
  strides: [number, number],
  padding: PaddingMode,
  dilations: [number, number],
): { values: number[]; shape: number[] } {
  const xs = Array.from(x.dataSync(), Number);
  const fs = Array.from(f.dataSync(), Number);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [fh, fw, fc, co] = f.shape as [number, number, number, number];
  assert.equal(fc, c);
  const rows = outSize(h, fh, strides[0], dilations[0], padding);
  const cols = outSize(w, fw, strides[1], dilations[1], padding);
  const values: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.size; oy++)
      for (let ox = 0; ox < cols.size; ox++)
        for (let o = 0; o < co; o++) {
          let s = 0;
          for (let ky = 0; ky < fh; ky++) {
            const iy = oy * strides[0] - rows.before + ky * dilations[0];
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < fw; kx++) {
              const ix = ox * strides[1] - cols.before + kx * dilations[1];
              if (ix < 0 || ix >= w) continue;
              for (let i = 0; i < c; i++)
                s +=
                  (xs[((b * h + iy) * w + ix) * c + i] as number) *
                  (fs[((ky * fw + kx) * c + i) * co + o] as number);
            }
          }
          values.push(s);
        }
  return { values, shape: [n, rows.size, cols.size, co] };
}

/** Direct float64 depthwise convolution: output channel c * mult + q uses filter[.., c, q]. */
function referenceDepthwise(
  x: Tensor,
  f: Tensor,
  strides: [number, number],
  padding: PaddingMode,
  dilations: [number, number],
): { values: number[]; shape: number[] } {
  const xs = Array.from(x.dataSync(), Number);
  const fs = Array.from(f.dataSync(), Number);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [fh, fw, , mult] = f.shape as [number, number, number, number];
  const rows = outSize(h, fh, strides[0], dilations[0], padding);
  const cols = outSize(w, fw, strides[1], dilations[1], padding);
  const values: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.size; oy++)
      for (let ox = 0; ox < cols.size; ox++)
        for (let ch = 0; ch < c; ch++)
          for (let q = 0; q < mult; q++) {
            let s = 0;
            for (let ky = 0; ky < fh; ky++) {
              const iy = oy * strides[0] - rows.before + ky * dilations[0];
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < fw; kx++) {
                const ix = ox * strides[1] - cols.before + kx * dilations[1];
                if (ix < 0 || ix >= w) continue;
                s +=
                  (xs[((b * h + iy) * w + ix) * c + ch] as number) *
                  (fs[((ky * fw + kx) * c + ch) * mult + q] as number);
              }
            }
            values.push(s);
          }
  return { values, shape: [n, rows.size, cols.size, c * mult] };
}

function assertMatches(got: Tensor, want: { values: number[]; shape: number[] }, atol = 1e-4) {
  assert.deepEqual([...got.shape], want.shape, 'shape');
  const g = got.dataSync();
  assert.equal(g.length, want.values.length, 'size');
  for (let i = 0; i < g.length; i++) {
    const e = want.values[i] as number;
    const v = g[i] as number;
    assert.ok(
      Math.abs(v - e) <= atol + 1e-4 * Math.abs(e),
      `element ${i}: expected ${e}, got ${v}`,
    );
  }
}

function inner(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  assert.equal(x.length, y.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) * (y[i] as number);
  return s;
}

/** [0 .. prod(shape)-1] + offset, as float32 in `shape`. */
function iota(shape: number[], offset = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return reshape(range(offset, offset + n), shape);
}

forEachBackend('conv2d', () => {
  // x = 1..9 in a 3x3 image, filter [[1,2],[3,4]]
  const x = reshape(range(1, 10), [1, 3, 3, 1]);
  const f = reshape(tensor([1, 2, 3, 4]), [2, 2, 1, 1]);

  test('tiny hand-computed valid and same', () => {
    assertExact(conv2d(x, f), [
      [
        [[37], [47]],
        [[67], [77]],
      ],
    ]);
    // 'same': total padding 1 per dimension, all of it after
    assertExact(conv2d(x, f, 1, 'same'), [
      [
        [[37], [47], [21]],
        [[67], [77], [33]],
        [[23], [26], [9]],
      ],
    ]);
    // stride 2 'valid': only the top-left window
    assertExact(conv2d(x, f, 2), [[[[37]]]]);
    // method form
    assertExact(x.conv2d(f, 2, 'same'), [
      [
        [[37], [21]],
        [[23], [9]],
      ],
    ]);
  });

  test('tiny hand-computed dilation 2 and two channels', () => {
    // dilation 2 on 3x3: one output = 1*1 + 2*3 + 3*7 + 4*9
    assertExact(conv2d(x, f, 1, 'valid', 2), [[[[64]]]]);
    // 2 in-channels (x and 10x), 2 out-channels: out0 = in0 + in1, out1 = in0 - in1 (1x1 filter)
    const x2 = reshape(tensor([1, 10, 2, 20, 3, 30, 4, 40]), [1, 2, 2, 2]);
    const f2 = reshape(tensor([1, 1, 1, -1]), [1, 1, 2, 2]);
    assertExact(conv2d(x2, f2), [
      [
        [
          [11, -9],
          [22, -18],
        ],
        [
          [33, -27],
          [44, -36],
        ],
      ],
    ]);
  });

  const cases: {
    name: string;
    x: number[];
    f: number[];
    strides: [number, number];
    padding: PaddingMode;
    dilations: [number, number];
  }[] = [
    {
      name: 'valid',
      x: [2, 7, 6, 3],
      f: [3, 3, 3, 4],
      strides: [1, 1],
      padding: 'valid',
      dilations: [1, 1],
    },
    {
      name: 'same',
      x: [2, 7, 6, 3],
      f: [3, 3, 3, 4],
      strides: [1, 1],
      padding: 'same',
      dilations: [1, 1],
    },
    {
      name: 'same even filter',
      x: [1, 6, 5, 2],
      f: [4, 2, 2, 3],
      strides: [1, 1],
      padding: 'same',
      dilations: [1, 1],
    },
    {
      name: 'valid stride 2',
      x: [2, 9, 8, 3],
      f: [3, 3, 3, 5],
      strides: [2, 2],
      padding: 'valid',
      dilations: [1, 1],
    },
    {
      name: 'same stride 2',
      x: [2, 9, 8, 3],
      f: [3, 3, 3, 5],
      strides: [2, 2],
      padding: 'same',
      dilations: [1, 1],
    },
    {
      name: 'same stride [2,3]',
      x: [1, 8, 10, 2],
      f: [2, 3, 2, 3],
      strides: [2, 3],
      padding: 'same',
      dilations: [1, 1],
    },
    {
      name: 'valid dilation 2',
      x: [2, 9, 8, 2],
      f: [3, 3, 2, 3],
      strides: [1, 1],
      padding: 'valid',
      dilations: [2, 2],
    },
    {
      name: 'same dilation 2',
      x: [1, 7, 9, 3],
      f: [3, 2, 3, 2],
      strides: [1, 1],
      padding: 'same',
      dilations: [2, 2],
    },
    {
      name: 'same dilation [1,3]',
      x: [1, 6, 9, 2],
      f: [2, 3, 2, 2],
      strides: [1, 1],
      padding: 'same',
      dilations: [1, 3],
    },
  ];
  cases.forEach((c, i) => {
    test(`against a direct convolution: ${c.name}`, () => {
      const xt = randomNormal(c.x, 0, 1, 100 + i);
      const ft = randomNormal(c.f, 0, 1, 200 + i);
      const y = conv2d(xt, ft, c.strides, c.padding, c.dilations);
      assertMatches(y, referenceConv2d(xt, ft, c.strides, c.padding, c.dilations));
    });
  });

  test('errors', () => {
    assert.throws(
      () => conv2d(zeros([1, 3, 3, 2]), zeros([2, 2, 3, 1])),
      /^LaminaRangeError: conv2d: input channels must agree: x is \[1,3,3,2\] \(channels last\), filter is \[2,2,3,1\] \(\[fh, fw, in, out\]\)$/,
    );
    assert.throws(
      () => conv2d(zeros([1, 3, 3, 1]), zeros([2, 2, 1, 1]), 1, 'full' as PaddingMode),
      /^LaminaRangeError: conv2d: padding must be 'same' or 'valid', received 'full'$/,
    );
    assert.throws(
      () => conv2d(zeros([1, 5, 5, 1]), zeros([2, 2, 1, 1]), 2, 'same', 2),
      /conv2d: strides 2 and dilations 2 cannot both exceed 1/,
    );
    assert.throws(
      () => conv2d(zeros([1, 5, 5, 1]), zeros([2, 2, 1, 1]), 0),
      /conv2d: strides must be a positive integer or a pair of them, received 0/,
    );
    assert.throws(() => conv2d(zeros([3, 3, 1]), zeros([2, 2, 1, 1])), /conv2d/);
  });
});

/** Direct float64 filter gradient: df[ky, kx, ci, o] = sum of x under tap (ky, kx) times dy. */
function referenceFilterGrad(
  x: Tensor,
  dy: Tensor,
  fShape: [number, number, number, number],
  strides: [number, number],
  padding: PaddingMode,
  dilations: [number, number],
): { values: number[]; shape: number[] } {
  const xs = Array.from(x.dataSync(), Number);
  const ds = Array.from(dy.dataSync(), Number);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [fh, fw, , co] = fShape;
  const rows = outSize(h, fh, strides[0], dilations[0], padding);
  const cols = outSize(w, fw, strides[1], dilations[1], padding);
  const values: number[] = [];
  for (let ky = 0; ky < fh; ky++)
    for (let kx = 0; kx < fw; kx++)
      for (let i = 0; i < c; i++)
        for (let o = 0; o < co; o++) {
          let s = 0;
          for (let b = 0; b < n; b++)
            for (let oy = 0; oy < rows.size; oy++) {
              const iy = oy * strides[0] - rows.before + ky * dilations[0];
              if (iy < 0 || iy >= h) continue;
              for (let ox = 0; ox < cols.size; ox++) {
                const ix = ox * strides[1] - cols.before + kx * dilations[1];
                if (ix < 0 || ix >= w) continue;
                s +=
                  (xs[((b * h + iy) * w + ix) * c + i] as number) *
                  (ds[((b * rows.size + oy) * cols.size + ox) * co + o] as number);
              }
            }
          values.push(s);
        }
  return { values, shape: [...fShape] };
}

/** Direct float64 input gradient: each dy element times the filter, scattered onto its window. */
function referenceInputGrad(
  xShape: [number, number, number, number],
  f: Tensor,
  dy: Tensor,
  strides: [number, number],
  padding: PaddingMode,
  dilations: [number, number],
): { values: number[]; shape: number[] } {
  const fs = Array.from(f.dataSync(), Number);
  const ds = Array.from(dy.dataSync(), Number);
  const [n, h, w, c] = xShape;
  const [fh, fw, , co] = f.shape as [number, number, number, number];
  const rows = outSize(h, fh, strides[0], dilations[0], padding);
  const cols = outSize(w, fw, strides[1], dilations[1], padding);
  const values = new Array<number>(n * h * w * c).fill(0);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.size; oy++)
      for (let ox = 0; ox < cols.size; ox++)
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * strides[0] - rows.before + ky * dilations[0];
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * strides[1] - cols.before + kx * dilations[1];
            if (ix < 0 || ix >= w) continue;
            for (let i = 0; i < c; i++) {
              let s = 0;
              for (let o = 0; o < co; o++)
                s +=
                  (fs[((ky * fw + kx) * c + i) * co + o] as number) *
                  (ds[((b * rows.size + oy) * cols.size + ox) * co + o] as number);
              const at = ((b * h + iy) * w + ix) * c + i;
              values[at] = (values[at] as number) + s;
            }
          }
        }
  return { values, shape: [...xShape] };
}

forEachBackend('conv2d and both gradients against float64 references', () => {
  const cases: {
    x: [number, number, number, number];
    f: [number, number, number, number];
    strides: [number, number];
    padding: PaddingMode;
    dilations: [number, number];
  }[] = [
    // Few input channels (the direct kernels on wasm):
    // 4-pixel tiles plus a 2-pixel tail per row, 32 output channels (W3's first layer)
    { x: [2, 12, 11, 1], f: [3, 3, 1, 32], strides: [1, 1], padding: 'valid', dilations: [1, 1] },
    // 'same': the border pixels take the bounds-checked path; 12 = 8 + 4 output channels
    { x: [2, 9, 10, 3], f: [3, 3, 3, 12], strides: [1, 1], padding: 'same', dilations: [1, 1] },
    { x: [1, 11, 13, 2], f: [3, 2, 2, 4], strides: [2, 3], padding: 'same', dilations: [1, 1] },
    { x: [1, 10, 14, 1], f: [2, 3, 1, 8], strides: [1, 1], padding: 'same', dilations: [2, 2] },
    { x: [3, 7, 16, 3], f: [5, 5, 3, 20], strides: [2, 2], padding: 'valid', dilations: [1, 1] },
    { x: [1, 5, 5, 1], f: [7, 7, 1, 4], strides: [1, 1], padding: 'same', dilations: [1, 1] },
    // im2col / col2im + GEMM on wasm: runs of fw * c floats copied whole, or tap by tap at the
    // borders and with dilation; channel counts with and without a remainder of 4
    { x: [2, 8, 9, 5], f: [3, 3, 5, 6], strides: [1, 1], padding: 'same', dilations: [1, 1] },
    { x: [1, 9, 10, 8], f: [3, 2, 8, 4], strides: [2, 1], padding: 'same', dilations: [1, 1] },
    { x: [1, 9, 9, 4], f: [2, 3, 4, 3], strides: [1, 1], padding: 'same', dilations: [2, 2] },
    { x: [2, 7, 7, 1], f: [3, 3, 1, 5], strides: [1, 1], padding: 'valid', dilations: [1, 1] },
    // 416 KB of columns per image: wasm fills and consumes them in chunks of 5 images, then 2
    { x: [7, 40, 40, 8], f: [3, 3, 8, 4], strides: [1, 1], padding: 'valid', dilations: [1, 1] },
  ];
  cases.forEach((c, i) => {
    test(`forward, input and filter gradients ${i}: x ${c.x.join('x')}, f ${c.f.join('x')}`, () => {
      const xt = randomNormal(c.x, 0, 1, 900 + i);
      const ft = randomNormal(c.f, 0, 1, 950 + i);
      const y = conv2d(xt, ft, c.strides, c.padding, c.dilations);
      assertMatches(y, referenceConv2d(xt, ft, c.strides, c.padding, c.dilations), 1e-5);
      const dy = randomNormal([...y.shape], 0, 1, 990 + i);
      const [gx, gf] = grads((p, q) =>
        sum(mul(conv2d(p, q, c.strides, c.padding, c.dilations), dy)),
      )([xt, ft]);
      assertMatches(
        gx as Tensor,
        referenceInputGrad(c.x, ft, dy, c.strides, c.padding, c.dilations),
        1e-5,
      );
      assertMatches(
        gf as Tensor,
        referenceFilterGrad(xt, dy, c.f, c.strides, c.padding, c.dilations),
        1e-5,
      );
    });
  });
});

forEachBackend('conv1d', () => {
  test('hand-computed valid, stride 2 and same', () => {
    const x = reshape(tensor([1, 2, 3, 4, 5]), [1, 5, 1]);
    const f = reshape(tensor([2, 1]), [2, 1, 1]);
    assertExact(conv1d(x, f), [[[4], [7], [10], [13]]]);
    assertExact(conv1d(x, f, 2), [[[4], [10]]]);
    assertExact(conv1d(x, f, 1, 'same'), [[[4], [7], [10], [13], [10]]]);
    // dilation 2: x[i] * 2 + x[i + 2]
    assertExact(conv1d(x, f, 1, 'valid', 2), [[[5], [8], [11]]]);
  });

  test('multiple channels against conv2d reference', () => {
    const x = randomNormal([2, 11, 3], 0, 1, 7);
    const f = randomNormal([3, 3, 4], 0, 1, 8);
    const y = conv1d(x, f, 2, 'same');
    assert.deepEqual([...y.shape], [2, 6, 4]);
    const want = referenceConv2d(
      reshape(x, [2, 1, 11, 3]),
      reshape(f, [1, 3, 3, 4]),
      [1, 2],
      'same',
      [1, 1],
    );
    assertMatches(y, { values: want.values, shape: [2, 6, 4] });
  });

  test('channel mismatch', () => {
    assert.throws(
      () => conv1d(zeros([1, 5, 2]), zeros([2, 3, 1])),
      /conv2d: input channels must agree/,
    );
  });
});

forEachBackend('depthwiseConv2d', () => {
  test('hand-computed channel multiplier 2', () => {
    // channel 0 = [[1,2],[3,4]], channel 1 = [[10,20],[30,40]]
    const x = reshape(tensor([1, 10, 2, 20, 3, 30, 4, 40]), [1, 2, 2, 2]);
    // filter [2,2,2,2] laid out [ky][kx][c][q]:
    //   c0 q0 = all 1, c0 q1 = [[1,0],[0,0]], c1 q0 = [[0,0],[0,1]], c1 q1 = all 0.5
    const f = tensor([
      [
        [
          [1, 1],
          [0, 0.5],
        ],
        [
          [1, 0],
          [0, 0.5],
        ],
      ],
      [
        [
          [1, 0],
          [0, 0.5],
        ],
        [
          [1, 0],
          [1, 0.5],
        ],
      ],
    ]);
    assertExact(depthwiseConv2d(x, f), [[[[10, 1, 40, 50]]]]);
    // 'same' (padding only after): the bottom-right output sees x[1][1] alone
    const y = depthwiseConv2d(x, f, 1, 'same');
    assert.deepEqual([...y.shape], [1, 2, 2, 4]);
    assertExact(y, [
      [
        [
          [10, 1, 40, 50],
          [6, 2, 0, 30],
        ],
        [
          [7, 3, 0, 35],
          [4, 4, 0, 20],
        ],
      ],
    ]);
  });

  const cases: {
    x: number[];
    f: number[];
    strides: [number, number];
    padding: PaddingMode;
    dilations: [number, number];
  }[] = [
    { x: [2, 7, 6, 3], f: [3, 3, 3, 2], strides: [1, 1], padding: 'valid', dilations: [1, 1] },
    { x: [2, 7, 6, 3], f: [3, 3, 3, 2], strides: [2, 2], padding: 'same', dilations: [1, 1] },
    { x: [1, 8, 9, 2], f: [2, 3, 2, 2], strides: [1, 1], padding: 'same', dilations: [2, 2] },
    { x: [1, 8, 9, 4], f: [3, 3, 4, 1], strides: [2, 1], padding: 'valid', dilations: [1, 1] },
  ];
  cases.forEach((c, i) => {
    test(`against a direct depthwise convolution ${i}`, () => {
      const xt = randomNormal(c.x, 0, 1, 300 + i);
      const ft = randomNormal(c.f, 0, 1, 400 + i);
      const y = depthwiseConv2d(xt, ft, c.strides, c.padding, c.dilations);
      assertMatches(y, referenceDepthwise(xt, ft, c.strides, c.padding, c.dilations));
    });
  });

  test('errors', () => {
    assert.throws(
      () => depthwiseConv2d(zeros([1, 3, 3, 2]), zeros([2, 2, 3, 2])),
      /^LaminaRangeError: depthwiseConv2d: input channels must agree: x is \[1,3,3,2\] \(channels last\), filter is \[2,2,3,2\] \(\[fh, fw, in, multiplier\]\)/,
    );
    assert.throws(
      () => depthwiseConv2d(zeros([1, 3, 3, 2]), zeros([2, 2, 2, 2]), 1, 'SAME' as PaddingMode),
      /depthwiseConv2d: padding must be 'same' or 'valid', received 'SAME'/,
    );
  });
});

forEachBackend('conv2dTranspose', () => {
  test('hand-computed: stride 2 valid scatters the filter', () => {
    // x [1,2,2,1] = [[1,2],[3,4]], filter 2x2 of ones (out 1, in 1), stride 2: each input
    // pixel paints its own 2x2 block
    const y = conv2dTranspose(
      reshape(tensor([1, 2, 3, 4]), [1, 2, 2, 1]),
      reshape(tensor([1, 1, 1, 1]), [2, 2, 1, 1]),
      undefined,
      2,
      'valid',
    );
    assertExact(reshape(y, [4, 4]), [
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      [3, 3, 4, 4],
      [3, 3, 4, 4],
    ]);
    // stride 1 valid with filter [[1,2],[3,4]]: full convolution of x with the filter
    const z = conv2dTranspose(
      reshape(tensor([1, 2, 3, 4]), [1, 2, 2, 1]),
      reshape(tensor([1, 2, 3, 4]), [2, 2, 1, 1]),
    );
    assertExact(reshape(z, [3, 3]), [
      [1, 4, 4],
      [6, 20, 16],
      [9, 24, 16],
    ]);
  });

  test('default output sizes', () => {
    const x = zeros([2, 3, 4, 5]);
    // filter [fh, fw, out, in]
    const f = zeros([3, 2, 6, 5]);
    assert.deepEqual([...conv2dTranspose(x, f, undefined, 2, 'same').shape], [2, 6, 8, 6]);
    assert.deepEqual([...conv2dTranspose(x, f, undefined, 2, 'valid').shape], [2, 7, 8, 6]);
    assert.deepEqual([...conv2dTranspose(x, f, undefined, 1, 'valid').shape], [2, 5, 5, 6]);
    assert.deepEqual([...conv2dTranspose(x, f, undefined, [3, 1], 'same').shape], [2, 9, 4, 6]);
  });

  const cases: {
    x: number[];
    f: number[];
    strides: [number, number];
    padding: PaddingMode;
    out?: [number, number, number, number];
  }[] = [
    { x: [2, 3, 4, 5], f: [3, 3, 2, 5], strides: [2, 2], padding: 'same' },
    { x: [2, 3, 4, 5], f: [3, 3, 2, 5], strides: [2, 2], padding: 'valid' },
    { x: [1, 4, 3, 2], f: [2, 3, 3, 2], strides: [1, 1], padding: 'same' },
    { x: [1, 4, 3, 2], f: [2, 2, 3, 2], strides: [1, 2], padding: 'valid' },
    // an explicit output size other than the default (7 also maps to 4 with stride 2 'same')
    { x: [1, 4, 4, 3], f: [3, 3, 2, 3], strides: [2, 2], padding: 'same', out: [1, 7, 8, 2] },
  ];
  cases.forEach((c, i) => {
    test(`is the adjoint of conv2d ${i}`, () => {
      const y = randomNormal(c.x, 0, 1, 500 + i);
      const f = randomNormal(c.f, 0, 1, 600 + i);
      const t = conv2dTranspose(y, f, c.out, c.strides, c.padding);
      const [n, , , inC] = c.x as [number, number, number, number];
      const outC = c.f[2] as number;
      assert.equal(t.shape[0], n);
      assert.equal(t.shape[3], outC);
      if (c.out) assert.deepEqual([...t.shape], c.out);
      const x = randomNormal([...t.shape], 0, 1, 700 + i);
      const fwd = conv2d(x, f, c.strides, c.padding);
      assert.deepEqual([...fwd.shape], c.x);
      assert.equal(fwd.shape[3], inC);
      const lhs = inner(fwd, y);
      const rhs = inner(x, t);
      assert.ok(
        Math.abs(lhs - rhs) <= 1e-4 * (1 + Math.abs(lhs)),
        `<conv2d(x, f), y> = ${lhs} but <x, conv2dTranspose(y, f)> = ${rhs}`,
      );
      // and elementwise against the direct convolution's adjoint, built from basis images
      assert.ok(Math.abs(lhs) > 1e-3, 'the check is not vacuous');
    });
  });

  test('explicit output shape elementwise against the adjoint of the reference', () => {
    // t[p] = sum_o y[o] * d conv(x)[o] / d x[p]: compute via basis vectors of x
    const y = randomNormal([1, 2, 3, 2], 0, 1, 801);
    const f = randomNormal([2, 3, 3, 2], 0, 1, 802);
    const t = conv2dTranspose(y, f, [1, 4, 5, 3], 2, 'same');
    const ys = Array.from(y.dataSync(), Number);
    const want: number[] = [];
    for (let p = 0; p < 4 * 5 * 3; p++) {
      const basis = new Array<number>(60).fill(0);
      basis[p] = 1;
      const ref = referenceConv2d(tensor(basis, [1, 4, 5, 3]), f, [2, 2], 'same', [1, 1]);
      want.push(ref.values.reduce((s, v, i) => s + v * (ys[i] as number), 0));
    }
    assertMatches(t, { values: want, shape: [1, 4, 5, 3] });
  });

  test('errors', () => {
    assert.throws(
      () => conv2dTranspose(zeros([1, 3, 3, 2]), zeros([2, 2, 4, 3])),
      /^LaminaRangeError: conv2dTranspose: input channels must agree: x is \[1,3,3,2\], filter is \[2,2,4,3\] \(\[fh, fw, out, in\]\)$/,
    );
    assert.throws(
      () =>
        conv2dTranspose(
          zeros([1, 3, 3, 2]),
          zeros([2, 2, 4, 2]),
          undefined,
          1,
          'full' as PaddingMode,
        ),
      /conv2dTranspose: padding must be 'same' or 'valid', received 'full'/,
    );
    assert.throws(
      () => conv2dTranspose(zeros([1, 3, 3, 2]), zeros([2, 2, 4, 2]), [1, 9, 9, 4], 2, 'same'),
      /conv2dTranspose: outputShape \[1,9,9,4\] does not map back to the input \[1,3,3,2\]/,
    );
    assert.throws(
      () => conv2dTranspose(zeros([1, 3, 3, 2]), zeros([2, 2, 4, 2]), [1, 6, 6, 3], 2, 'same'),
      /conv2dTranspose: outputShape .* must be \[1, height, width, 4\]/,
    );
  });
});

forEachBackend('maxPool2d and avgPool2d', () => {
  // 4x4 image 1..16, and 5x5 image 1..25 (value at (r, c) = 5r + c + 1)
  const x4 = reshape(range(1, 17), [1, 4, 4, 1]);
  const x5 = reshape(range(1, 26), [1, 5, 5, 1]);

  test('valid, pool 2 stride 2 (default strides)', () => {
    assertExact(maxPool2d(x4), [
      [
        [[6], [8]],
        [[14], [16]],
      ],
    ]);
    assertExact(avgPool2d(x4, 2), [
      [
        [[3.5], [5.5]],
        [[11.5], [13.5]],
      ],
    ]);
    assertExact(x4.maxPool2d(2, 2, 'valid'), [
      [
        [[6], [8]],
        [[14], [16]],
      ],
    ]);
  });

  test('valid with strides different from the pool size', () => {
    assertExact(maxPool2d(x4, 2, 1), [
      [
        [[6], [7], [8]],
        [[10], [11], [12]],
        [[14], [15], [16]],
      ],
    ]);
    assertExact(maxPool2d(x4, 3, 1), [
      [
        [[11], [12]],
        [[15], [16]],
      ],
    ]);
    assertExact(avgPool2d(x4, 3, 1), [
      [
        [[6], [7]],
        [[10], [11]],
      ],
    ]);
    assertExact(maxPool2d(x5, 3, 2), [
      [
        [[13], [15]],
        [[23], [25]],
      ],
    ]);
    assertExact(avgPool2d(x5, 3, 2), [
      [
        [[7], [9]],
        [[17], [19]],
      ],
    ]);
    // non-square pool [1,2] with strides [2,1]: rows 0, 2 of the 4x4 image
    assertExact(maxPool2d(x4, [1, 2], [2, 1]), [
      [
        [[2], [3], [4]],
        [[10], [11], [12]],
      ],
    ]);
    assertExact(avgPool2d(x4, [1, 2], [2, 1]), [
      [
        [[1.5], [2.5], [3.5]],
        [[9.5], [10.5], [11.5]],
      ],
    ]);
  });

  test("'same' pool 3 stride 2: windows are clipped, averages count only in-bounds", () => {
    // output 3x3, padding 1 before and 1 after: row windows {0,1}, {1,2,3}, {3,4}
    assertExact(maxPool2d(x5, 3, 2, 'same'), [
      [
        [[7], [9], [10]],
        [[17], [19], [20]],
        [[22], [24], [25]],
      ],
    ]);
    assertExact(avgPool2d(x5, 3, 2, 'same'), [
      [
        [[4], [5.5], [7]],
        [[11.5], [13], [14.5]],
        [[19], [20.5], [22]],
      ],
    ]);
  });

  test("'same' pool 2 stride 2 on an odd size: padding after only", () => {
    // row windows {0,1}, {2,3}, {4}
    assertExact(maxPool2d(x5, 2, 2, 'same'), [
      [
        [[7], [9], [10]],
        [[17], [19], [20]],
        [[22], [24], [25]],
      ],
    ]);
    assertExact(avgPool2d(x5, 2, 2, 'same'), [
      [
        [[4], [6], [7.5]],
        [[14], [16], [17.5]],
        [[21.5], [23.5], [25]],
      ],
    ]);
  });

  test("'same' pool 3 stride 1 keeps the size", () => {
    const y = avgPool2d(x4, 3, 1, 'same');
    assert.deepEqual([...y.shape], [1, 4, 4, 1]);
    // corner (0,0): mean of 1,2,5,6; edge (0,1): mean of 1,2,3,5,6,7; centre (1,1): 6
    assertClose(reshape(y, [4, 4]), [
      [3.5, 4, 5, 5.5],
      [5.5, 6, 7, 7.5],
      [9.5, 10, 11, 11.5],
      [11.5, 12, 13, 13.5],
    ]);
    assertExact(reshape(maxPool2d(x4, 3, 1, 'same'), [4, 4]), [
      [6, 7, 8, 8],
      [10, 11, 12, 12],
      [14, 15, 16, 16],
      [14, 15, 16, 16],
    ]);
  });

  test('channels and batches pool independently; negative values', () => {
    // channel 0 = x, channel 1 = -x; batch 1 = x + 100
    const base = iota([4, 4]).dataSync();
    const vals: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 16; i++) {
        const v = (base[i] as number) + 1 + 100 * b;
        vals.push(v, -v);
      }
    const x = tensor(vals, [2, 4, 4, 2]);
    assertExact(maxPool2d(x), [
      [
        [
          [6, -1],
          [8, -3],
        ],
        [
          [14, -9],
          [16, -11],
        ],
      ],
      [
        [
          [106, -101],
          [108, -103],
        ],
        [
          [114, -109],
          [116, -111],
        ],
      ],
    ]);
    assertExact(avgPool2d(x), [
      [
        [
          [3.5, -3.5],
          [5.5, -5.5],
        ],
        [
          [11.5, -11.5],
          [13.5, -13.5],
        ],
      ],
      [
        [
          [103.5, -103.5],
          [105.5, -105.5],
        ],
        [
          [111.5, -111.5],
          [113.5, -113.5],
        ],
      ],
    ]);
    // all-negative window with 'same' padding: padding must not contribute a 0
    assertExact(maxPool2d(tensor([-5, -3, -4], [1, 1, 3, 1]), [1, 2], [1, 2], 'same'), [
      [[[-3], [-4]]],
    ]);
  });

  test('ties keep the first maximum (signed zeros), NaN wins, -Infinity stays; 5 channels', () => {
    // Two 2x2 windows (columns 0-1 and 2-3), 5 channels (one f32x4 and a scalar tail on wasm).
    const x = tensor([
      [
        [
          [1, 5, -1, 0, 2],
          [3, 5, -2, 7, 2],
          [4, -0, 1, -Infinity, 3],
          [4, 0, NaN, -Infinity, 1],
        ],
        [
          [3, 5, -1, 1, 9],
          [2, 5, -3, 7, 9],
          [4, 0, 5, -Infinity, 4],
          [8, -0, NaN, -Infinity, 1],
        ],
      ],
    ]);
    assert.deepEqual(maxPool2d(x).arraySync(), [
      [
        [
          [3, 5, -1, 7, 9],
          [8, -0, NaN, -Infinity, 4],
        ],
      ],
    ]);
  });

  test('many channels, odd channel counts, overlapping and gapped windows', () => {
    // value = 1000 * row + 10 * col + channel on a 5x6 image with 7 channels
    const vals: number[] = [];
    for (let r = 0; r < 5; r++)
      for (let col = 0; col < 6; col++)
        for (let ch = 0; ch < 7; ch++) vals.push(1000 * r + 10 * col + ch);
    const x = tensor(vals, [1, 5, 6, 7]);
    const at = (r: number, col: number): number[] =>
      [0, 1, 2, 3, 4, 5, 6].map((ch) => 1000 * r + 10 * col + ch);
    // 3x3 pool, stride 2, 'same': rows padded 1 before and after (windows {0,1} {1,2,3} {3,4}),
    // columns 1 after only ({0,1,2} {2,3,4} {4,5}).
    assert.deepEqual(maxPool2d(x, 3, 2, 'same').arraySync(), [
      [1, 3, 4].map((r) => [2, 4, 5].map((col) => at(r, col))),
    ]);
    // 2x1 pool, strides [3, 4]: rows {0,1} and {3,4}, columns 0 and 4.
    assert.deepEqual(maxPool2d(x, [2, 1], [3, 4]).arraySync(), [
      [1, 4].map((r) => [0, 4].map((col) => at(r, col))),
    ]);
  });

  test('errors', () => {
    assert.throws(
      () => maxPool2d(x4, 2, 2, 'full' as PaddingMode),
      /^LaminaRangeError: maxPool2d: padding must be 'same' or 'valid', received 'full'$/,
    );
    assert.throws(
      () => avgPool2d(x4, 2, 2, 'Valid' as PaddingMode),
      /^LaminaRangeError: avgPool2d: padding must be 'same' or 'valid', received 'Valid'$/,
    );
    assert.throws(() => maxPool2d(x4, 0), /maxPool2d: poolSize must be a positive integer/);
    assert.throws(() => avgPool2d(zeros([4, 4, 1])), /avgPool2d/);
  });
});

forEachBackend('conv window larger than the input', () => {
  test("'valid' padding with a window larger than the input is an error, as in TensorFlow", () => {
    assert.throws(
      () => conv2d(zeros([1, 3, 3, 1]), zeros([5, 5, 1, 1]), 1, 'valid'),
      /conv2d: with padding 'valid' the window \(5 taps, dilation 1, spanning 5\) is larger than the input dimension 3/,
    );
    assert.throws(
      () => maxPool2d(zeros([1, 2, 2, 1]), 3, 1, 'valid'),
      /maxPool2d: with padding 'valid'/,
    );
    assert.deepEqual(
      conv2d(zeros([1, 3, 3, 1]), zeros([5, 5, 1, 1]), 1, 'same').shape,
      [1, 3, 3, 1],
    );
  });
});
