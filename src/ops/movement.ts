/** Reshaping, reordering, slicing and joining. Reshape-like ops share storage (no copy). */
import { reshapeView, runKernel } from '../engine/engine.js';
import type { DType } from '../tensor/dtype.js';
import {
  assertPermutation,
  assertValidShape,
  formatShape,
  normalizeAxes,
  normalizeAxis,
  shapesEqual,
  sizeOf,
} from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, assertDType, tensor, type TensorLike } from './convert.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

function intArg(v: unknown, op: string, arg: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: ${arg} must be an integer, received ${String(v)}`,
    );
  return v;
}

/** int32 indices: plain (nested) arrays of integers convert to int32, as in `tf.gather`. */
function indexTensor(indices: TensorLike, op: string): Tensor {
  if (Array.isArray(indices)) {
    try {
      return tensor(indices, undefined, 'int32');
    } catch (e) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${op}: argument 'indices' could not be converted to int32: ${(e as Error).message}`,
      );
    }
  }
  const ids = asTensor(indices, op, 'indices', 'int32');
  assertDType(ids, ['int32'], op, 'indices');
  return ids;
}

/** New shape with the same number of elements; one dimension may be -1 (inferred). */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x, 'reshape', 'x');
  const dims = [...shape];
  const unknown = dims.indexOf(-1);
  if (dims.filter((d) => d === -1).length > 1)
    throw new LaminaRangeError(
      'invalid-argument',
      `reshape: at most one dimension may be -1, received ${formatShape(shape)}`,
    );
  if (unknown >= 0) {
    const known = sizeOf(dims.filter((d, i) => i !== unknown));
    if (known === 0 || t.size % known !== 0) {
      throw new LaminaRangeError(
        'invalid-argument',
        `reshape: cannot reshape a tensor of shape ${formatShape(t.shape)} (size ${t.size}) into ${formatShape(shape)}`,
      );
    }
    dims[unknown] = t.size / known;
  }
  assertValidShape(dims, 'reshape');
  if (sizeOf(dims) !== t.size) {
    throw new LaminaRangeError(
      'invalid-argument',
      `reshape: cannot reshape a tensor of shape ${formatShape(t.shape)} (size ${t.size}) into ${formatShape(shape)} (size ${sizeOf(dims)})`,
    );
  }
  return shapesEqual(dims, t.shape) ? t : reshapeView(t, dims);
}

export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = asTensor(x, 'transpose', 'x');
  const p = perm ?? Array.from({ length: t.rank }, (_, i) => t.rank - 1 - i);
  assertPermutation(p, t.rank, 'transpose');
  if (p.every((v, i) => v === i)) return t;
  return runKernel(
    'Transpose',
    [t],
    { perm: [...p] },
    { shape: p.map((a) => t.shape[a] as number), dtype: t.dtype },
  );
}

/** `size[d]` elements from `begin[d]` in each dimension; size -1 means "to the end". */
export function slice(
  x: TensorLike,
  begin: number | readonly number[],
  size?: number | readonly number[],
): Tensor {
  const op = 'slice';
  const t = asTensor(x, op, 'x');
  const b = typeof begin === 'number' ? [begin] : [...begin];
  const s = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
  if (b.length > t.rank || s.length > t.rank) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: begin [${b.join(',')}] and size [${s.join(',')}] may have at most rank ${t.rank} entries for shape ${formatShape(t.shape)}`,
    );
  }
  const start: number[] = [];
  const outShape: number[] = [];
  for (let d = 0; d < t.rank; d++) {
    const dim = t.shape[d] as number;
    const bd = intArg(b[d] ?? 0, op, `begin[${d}]`);
    const sd = intArg(s[d] ?? -1, op, `size[${d}]`);
    const len = sd === -1 ? dim - bd : sd;
    if (bd < 0 || len < 0 || bd + len > dim) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: begin ${bd} with size ${sd} is out of bounds for dimension ${d} of shape ${formatShape(t.shape)}`,
      );
    }
    start.push(bd);
    outShape.push(len);
  }
  if (shapesEqual(outShape, t.shape)) return t;
  return runKernel(
    'Slice',
    [t],
    { begin: start, strides: start.map(() => 1) },
    { shape: outShape, dtype: t.dtype },
  );
}

export interface StridedSliceOptions {
  /** Bit d set: ignore begin[d] and start from the first (or, for a negative stride, last) element. */
  beginMask?: number;
  /** Bit d set: ignore end[d] and run to the end in the stride's direction. */
  endMask?: number;
  /** Bit d set: take the single element begin[d] and drop the dimension. */
  shrinkAxisMask?: number;
}

/** Python-style `x[begin:end:stride]` per dimension; negative indices count from the end. */
export function stridedSlice(
  x: TensorLike,
  begin: readonly number[],
  end: readonly number[],
  strides?: readonly number[],
  options: StridedSliceOptions = {},
): Tensor {
  const op = 'stridedSlice';
  const t = asTensor(x, op, 'x');
  const { beginMask = 0, endMask = 0, shrinkAxisMask = 0 } = options;
  const starts: number[] = [];
  const steps: number[] = [];
  const counts: number[] = [];
  const reverseAxes: number[] = [];
  const keptShape: number[] = [];
  for (let d = 0; d < t.rank; d++) {
    const n = t.shape[d] as number;
    const stride = intArg(strides?.[d] ?? 1, op, `strides[${d}]`);
    if (stride === 0)
      throw new LaminaRangeError('invalid-argument', `${op}: strides[${d}] must not be 0`);
    const shrink = ((shrinkAxisMask >> d) & 1) === 1;
    const resolve = (v: number | undefined, masked: boolean, atStart: boolean): number => {
      if (masked || v === undefined)
        return atStart ? (stride > 0 ? 0 : n - 1) : stride > 0 ? n : -1;
      const i = intArg(v, op, atStart ? `begin[${d}]` : `end[${d}]`);
      const r = i < 0 ? i + n : i;
      return stride > 0 ? Math.min(Math.max(r, 0), n) : Math.min(Math.max(r, -1), n - 1);
    };
    let first = resolve(begin[d], ((beginMask >> d) & 1) === 1, true);
    let count: number;
    if (shrink) {
      const i = intArg(begin[d] ?? 0, op, `begin[${d}]`);
      first = i < 0 ? i + n : i;
      if (first < 0 || first >= n)
        throw new LaminaRangeError(
          'invalid-argument',
          `${op}: index ${i} is out of bounds for dimension ${d} of shape ${formatShape(t.shape)}`,
        );
      count = 1;
    } else {
      const last = resolve(end[d], ((endMask >> d) & 1) === 1, false);
      count = Math.max(0, Math.ceil((last - first) / stride));
    }
    if (stride < 0 && !shrink) {
      reverseAxes.push(d);
      first = n - 1 - first;
    }
    starts.push(count === 0 ? 0 : first);
    steps.push(Math.abs(stride));
    counts.push(count);
    if (!shrink) keptShape.push(count);
  }
  const source = reverseAxes.length > 0 ? reverse(t, reverseAxes) : t;
  const y = runKernel(
    'Slice',
    [source],
    { begin: starts, strides: steps },
    { shape: counts, dtype: t.dtype },
  );
  return reshape(y, keptShape);
}

export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const op = 'concat';
  if (tensors.length === 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: expected at least one tensor, received none`,
    );
  const first = tensors[0] as Tensor;
  const a = normalizeAxis(axis, first.rank, op);
  const outShape = [...first.shape];
  for (let i = 1; i < tensors.length; i++) {
    const t = tensors[i] as Tensor;
    const ok = t.rank === first.rank && t.shape.every((d, j) => j === a || d === first.shape[j]);
    if (!ok) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: tensor ${i} has shape ${formatShape(t.shape)}, which does not match tensor 0's ${formatShape(first.shape)} outside axis ${a}`,
      );
    }
    if (t.dtype !== first.dtype)
      throw new LaminaTypeError(
        'invalid-argument',
        `${op}: tensor ${i} has dtype ${t.dtype}, tensor 0 has ${first.dtype}`,
      );
    outShape[a] = (outShape[a] as number) + (t.shape[a] as number);
  }
  if (tensors.length === 1) return first;
  return runKernel('Concat', tensors, { axis: a }, { shape: outShape, dtype: first.dtype });
}

export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = asTensor(x, 'expandDims', 'x');
  const a = normalizeAxis(axis, t.rank + 1, 'expandDims');
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return reshapeView(t, shape);
}

/** Drops size-1 dimensions (all of them, or those in `axis`, which must have size 1). */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = asTensor(x, 'squeeze', 'x');
  const axes =
    axis === undefined
      ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes(axis, t.rank, 'squeeze');
  for (const a of axes) {
    if (t.shape[a] !== 1)
      throw new LaminaRangeError(
        'invalid-argument',
        `squeeze: dimension ${a} of shape ${formatShape(t.shape)} has size ${t.shape[a]}, expected 1`,
      );
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0)
    throw new LaminaRangeError(
      'invalid-argument',
      'stack: expected at least one tensor, received none',
    );
  const first = tensors[0] as Tensor;
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new LaminaRangeError(
        'invalid-argument',
        `stack: tensor ${i} has shape ${formatShape(t.shape)}, expected ${formatShape(first.shape)} like tensor 0`,
      );
    }
  });
  const a = normalizeAxis(axis, first.rank + 1, 'stack');
  return concat(
    tensors.map((t) => expandDims(t, a)),
    a,
  );
}

export function unstack(x: TensorLike, axis = 0): Tensor[] {
  const t = asTensor(x, 'unstack', 'x');
  if (t.rank === 0)
    throw new LaminaRangeError(
      'invalid-argument',
      'unstack: x must have rank >= 1, received a scalar',
    );
  const a = normalizeAxis(axis, t.rank, 'unstack');
  if (t.shape[a] === 0) return [];
  return split(t, t.shape[a] as number, a).map((p) => squeeze(p, a));
}

/** Splits into `numOrSizes` equal parts, or parts of the given sizes (one may be -1). */
export function split(x: TensorLike, numOrSizes: number | readonly number[], axis = 0): Tensor[] {
  const op = 'split';
  const t = asTensor(x, op, 'x');
  const a = normalizeAxis(axis, t.rank, op);
  const n = t.shape[a] as number;
  let sizes: number[];
  if (typeof numOrSizes === 'number') {
    if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || n % numOrSizes !== 0) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: dimension ${a} of shape ${formatShape(t.shape)} (size ${n}) cannot be split into ${numOrSizes} equal parts`,
      );
    }
    sizes = new Array<number>(numOrSizes).fill(n / numOrSizes);
  } else {
    sizes = [...numOrSizes];
    const free = sizes.indexOf(-1);
    if (free >= 0) sizes[free] = n - sizes.reduce((s, v, i) => (i === free ? s : s + v), 0);
    if (
      sizes.some((s) => !Number.isInteger(s) || s < 0) ||
      sizes.reduce((s, v) => s + v, 0) !== n
    ) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: sizes [${numOrSizes.join(',')}] must be non-negative integers summing to ${n} (dimension ${a} of shape ${formatShape(t.shape)})`,
      );
    }
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = t.shape.map((_, d) => (d === a ? offset : 0));
    const size = t.shape.map((dim, d) => (d === a ? s : dim));
    offset += s;
    return slice(t, begin, size);
  });
}

/** Picks slices of `x` along `axis` at `indices` (int32, any shape; checked to be in range). */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const op = 'gather';
  const t = asTensor(x, op, 'x');
  const ids = indexTensor(indices, op);
  if (t.rank === 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: x must have rank >= 1, received a scalar`,
    );
  const a = normalizeAxis(axis, t.rank, op);
  const n = t.shape[a] as number;
  const values = ids.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0 || v >= n)
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: index ${v} (at flat position ${i} of indices) is out of range [0, ${n}) for axis ${a} of shape ${formatShape(t.shape)}`,
      );
  }
  const shape = [...t.shape.slice(0, a), ...ids.shape, ...t.shape.slice(a + 1)];
  const flatIds = reshape(ids, [ids.size]);
  const y = runKernel(
    'Gather',
    [t, flatIds],
    { axis: a },
    { shape: [...t.shape.slice(0, a), ids.size, ...t.shape.slice(a + 1)], dtype: t.dtype },
  );
  return reshape(y, shape);
}

/** Pads each dimension d with paddings[d] = [before, after] copies of `constantValue`. */
export function pad(
  x: TensorLike,
  paddings: readonly (readonly [number, number])[],
  constantValue = 0,
): Tensor {
  const op = 'pad';
  const t = asTensor(x, op, 'x');
  if (paddings.length !== t.rank)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: paddings must have ${t.rank} [before, after] pairs for shape ${formatShape(t.shape)}, received ${paddings.length}`,
    );
  const before = paddings.map((p, d) => intArg(p[0], op, `paddings[${d}][0]`));
  const after = paddings.map((p, d) => intArg(p[1], op, `paddings[${d}][1]`));
  if ([...before, ...after].some((v) => v < 0))
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: paddings must be non-negative, received ${showJson(paddings)}`,
    );
  if (t.dtype === 'int32' && !Number.isInteger(constantValue))
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: constantValue ${constantValue} is not an integer, as dtype int32 requires`,
    );
  const shape = t.shape.map((d, i) => d + (before[i] as number) + (after[i] as number));
  return runKernel(
    'Pad',
    [t],
    { before, after, interior: before.map(() => 0), value: constantValue },
    { shape, dtype: t.dtype },
  );
}

export function tile(x: TensorLike, reps: readonly number[]): Tensor {
  const op = 'tile';
  const t = asTensor(x, op, 'x');
  if (reps.length !== t.rank)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: reps must have ${t.rank} entries for shape ${formatShape(t.shape)}, received [${reps.join(',')}]`,
    );
  reps.forEach((r, d) => {
    if (intArg(r, op, `reps[${d}]`) < 0)
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: reps[${d}] must be >= 0, received ${r}`,
      );
  });
  if (reps.every((r) => r === 1)) return t;
  return runKernel(
    'Tile',
    [t],
    { reps: [...reps] },
    { shape: t.shape.map((d, i) => d * (reps[i] as number)), dtype: t.dtype },
  );
}

/** Repeats `x` to `shape` by NumPy broadcasting rules. */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const op = 'broadcastTo';
  const t = asTensor(x, op, 'x');
  assertValidShape(shape, op);
  if (shape.length < t.rank)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: cannot broadcast shape ${formatShape(t.shape)} to lower rank ${formatShape(shape)}`,
    );
  const padded = [...new Array<number>(shape.length - t.rank).fill(1), ...t.shape];
  const reps = padded.map((d, i) => {
    const target = shape[i] as number;
    if (d !== target && d !== 1)
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: cannot broadcast shape ${formatShape(t.shape)} to ${formatShape(shape)}`,
      );
    return d === target ? 1 : target;
  });
  return tile(reshape(t, padded), reps);
}

export function reverse(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = asTensor(x, 'reverse', 'x');
  const axes = normalizeAxes(axis, t.rank, 'reverse');
  if (axes.length === 0) return t;
  return runKernel('Reverse', [t], { axes }, { shape: t.shape, dtype: t.dtype });
}

/** One-hot rows for int32 `indices`: a new last dimension of size `depth`. */
export function oneHot(
  indices: TensorLike,
  depth: number,
  onValue = 1,
  offValue = 0,
  dtype: DType = 'float32',
): Tensor {
  const op = 'oneHot';
  const ids = indexTensor(indices, op);
  if (!Number.isInteger(depth) || depth < 1)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: depth must be a positive integer, received ${depth}`,
    );
  return runKernel(
    'OneHot',
    [ids],
    { depth, onValue, offValue },
    { shape: [...ids.shape, depth], dtype },
  );
}
