import type { KernelImpl } from '../backend.js';
import type { LinalgKernels } from '../kernels.js';
import { alloc, floatsOf } from './util.js';

type LinalgTable = { readonly [K in keyof LinalgKernels]: KernelImpl<K> };

// Blocking after Goto & van de Geijn: a KC x 4 panel of B stays in L1 while an MC x KC block of
// A streams from L2. A 4x4 register tile is the largest that V8 keeps in registers.
const MC = 64;
const KC = 256;
const NR = 4;
const MR = 4;

const packA = new Float32Array(MC * KC);
let packB = new Float32Array(KC * 1024);

/** A strided view of a matrix: element (i, j) is at data[offset + i * rowStride + j * colStride]. */
export interface MatrixView {
  data: Float32Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

/**
 * C (m x n, row-major at cOffset, zero or partial sums on entry) += A (m x k) * B (k x n).
 * Transposed operands are just other strides: packing reads them at full speed either way.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: Float32Array,
  cOffset: number,
): void {
  const nPanels = Math.ceil(n / NR);
  if (packB.length < KC * nPanels * NR) packB = new Float32Array(KC * nPanels * NR);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    packPanelsOfB(b, pc, kc, n);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      packPanelsOfA(a, ic, mc, pc, kc);
      for (let jr = 0; jr < n; jr += NR) {
        const bBase = (jr / NR) * kc * NR;
        for (let ir = 0; ir < mc; ir += MR) {
          microKernel(
            kc,
            (ir / MR) * kc * MR,
            bBase,
            c,
            cOffset + (ic + ir) * n + jr,
            n,
            Math.min(MR, mc - ir),
            Math.min(NR, n - jr),
          );
        }
      }
    }
  }
}

function packPanelsOfB(b: MatrixView, pc: number, kc: number, n: number): void {
  const { data, offset, rowStride, colStride } = b;
  let dst = 0;
  for (let j = 0; j < n; j += NR) {
    const cols = Math.min(NR, n - j);
    for (let p = 0; p < kc; p++) {
      const src = offset + (pc + p) * rowStride + j * colStride;
      for (let c = 0; c < NR; c++)
        packB[dst++] = c < cols ? (data[src + c * colStride] as number) : 0;
    }
  }
}

function packPanelsOfA(a: MatrixView, ic: number, mc: number, pc: number, kc: number): void {
  const { data, offset, rowStride, colStride } = a;
  let dst = 0;
  for (let i = 0; i < mc; i += MR) {
    const rows = Math.min(MR, mc - i);
    for (let p = 0; p < kc; p++) {
      const src = offset + (ic + i) * rowStride + (pc + p) * colStride;
      for (let r = 0; r < MR; r++)
        packA[dst++] = r < rows ? (data[src + r * rowStride] as number) : 0;
    }
  }
}

function microKernel(
  kc: number,
  aBase: number,
  bBase: number,
  c: Float32Array,
  cBase: number,
  ldc: number,
  rows: number,
  cols: number,
): void {
  const A = packA;
  const B = packB;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  let ai = aBase;
  let bi = bBase;
  for (let p = 0; p < kc; p++) {
    const a0 = A[ai] as number;
    const a1 = A[ai + 1] as number;
    const a2 = A[ai + 2] as number;
    const a3 = A[ai + 3] as number;
    const b0 = B[bi] as number;
    const b1 = B[bi + 1] as number;
    const b2 = B[bi + 2] as number;
    const b3 = B[bi + 3] as number;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += 4;
    bi += 4;
  }
  if (rows === MR && cols === NR) {
    let o = cBase;
    c[o] = (c[o] as number) + c00;
    c[o + 1] = (c[o + 1] as number) + c01;
    c[o + 2] = (c[o + 2] as number) + c02;
    c[o + 3] = (c[o + 3] as number) + c03;
    o += ldc;
    c[o] = (c[o] as number) + c10;
    c[o + 1] = (c[o + 1] as number) + c11;
    c[o + 2] = (c[o + 2] as number) + c12;
    c[o + 3] = (c[o + 3] as number) + c13;
    o += ldc;
    c[o] = (c[o] as number) + c20;
    c[o + 1] = (c[o + 1] as number) + c21;
    c[o + 2] = (c[o + 2] as number) + c22;
    c[o + 3] = (c[o + 3] as number) + c23;
    o += ldc;
    c[o] = (c[o] as number) + c30;
    c[o + 1] = (c[o + 1] as number) + c31;
    c[o + 2] = (c[o + 2] as number) + c32;
    c[o + 3] = (c[o + 3] as number) + c33;
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < cols; col++) {
      const o = cBase + r * ldc + col;
      c[o] = (c[o] as number) + (tile[r * 4 + col] as number);
    }
  }
}

export const linalgKernels: LinalgTable = {
  BatchMatMul: ([a, b], { transposeA, transposeB }, out) => {
    const ys = alloc(out) as Float32Array;
    const [batchA, a1, a2] = a.shape as [number, number, number];
    const [batchB, b1, b2] = b.shape as [number, number, number];
    const m = transposeA ? a2 : a1;
    const k = transposeA ? a1 : a2;
    const n = transposeB ? b1 : b2;
    const batch = Math.max(batchA, batchB);
    const av: MatrixView = {
      data: floatsOf(a),
      offset: 0,
      rowStride: transposeA ? 1 : a2,
      colStride: transposeA ? a2 : 1,
    };
    const bv: MatrixView = {
      data: floatsOf(b),
      offset: 0,
      rowStride: transposeB ? 1 : b2,
      colStride: transposeB ? b2 : 1,
    };
    for (let i = 0; i < batch; i++) {
      av.offset = batchA === 1 ? 0 : i * a1 * a2;
      bv.offset = batchB === 1 ? 0 : i * b1 * b2;
      gemm(m, n, k, av, bv, ys, i * m * n);
    }
    return ys;
  },
};
