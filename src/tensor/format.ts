import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

const EDGE = 3;
const FULL_LIMIT = 1000;

/** Readable text like TensorFlow.js prints: dtype, shape and values, elided when large. */
export function formatTensor(values: TypedArray, shape: Shape, dtype: DType): string {
  const size = values.length;
  const elide = size > FULL_LIMIT;
  const fmt = (v: number): string => {
    if (dtype === 'bool') return v === 1 ? 'true' : 'false';
    if (dtype === 'int32') return String(v);
    if (Number.isNaN(v) || !Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e6 || a < 1e-4)
      ? v.toExponential(4)
      : String(Number(v.toPrecision(7)));
  };
  const header = `Tensor ${dtype} ${'['}${shape.join(',')}${']'}`;
  if (shape.length === 0) return `${header}\n  ${fmt(values[0] as number)}`;
  const render = (dim: number, offset: number, indent: string): string => {
    const n = shape[dim] as number;
    let inner = 1;
    for (let d = dim + 1; d < shape.length; d++) inner *= shape[d] as number;
    const idx: (number | null)[] = [];
    if (elide && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else {
      for (let i = 0; i < n; i++) idx.push(i);
    }
    if (dim === shape.length - 1) {
      return `[${idx.map((i) => (i === null ? '...' : fmt(values[offset + i] as number))).join(', ')}]`;
    }
    const parts = idx.map((i) =>
      i === null ? '...' : render(dim + 1, offset + i * inner, indent + ' '),
    );
    return `[${parts.join(`,\n${indent} `)}]`;
  };
  return `${header}\n  ${render(0, 0, '  ')}`;
}
