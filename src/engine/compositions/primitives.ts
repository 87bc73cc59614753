/**
 * The primitive kernels as small functions on tensors, for the default compositions: each
 * computes its output's shape and runs one kernel through the engine (which the engine hands in,
 * so that this folder imports nothing above or beside it). The compositions run with the tape
 * paused and receive inputs the op already validated, so nothing here checks arguments.
 */
import type { KernelAttrs, KernelInputs, KernelName } from '../../backend/kernels.js';
import type { DType } from '../../tensor/dtype.js';
import { broadcastShapes, sizeOf, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

/** Runs one kernel on the current backend (the engine's `runKernel`). */
export type RunKernel = <K extends KernelName>(
  name: K,
  inputs: KernelInputs<K, Tensor>,
  attrs: KernelAttrs<K>,
  out: { shape: Shape; dtype: DType },
) => Tensor;

type UnaryName = 'Neg' | 'Abs' | 'Sign' | 'Sqrt' | 'Square' | 'Relu' | 'Sigmoid' | 'Tanh';
type BinaryName = 'Add' | 'Sub' | 'Mul' | 'Div';
type CompareName = 'Greater' | 'GreaterEqual' | 'LessEqual' | 'NotEqual';

/** What a composition may call: primitive kernels with their shapes worked out. */
export interface PrimitiveOps {
  /** Runs any kernel (a composition may use a backend's other fused kernels, or their defaults). */
  readonly run: RunKernel;
  /** A float32 scalar (rounded to float32, as every scalar operand of a kernel is). */
  scalar(value: number): Tensor;
  /** A float32 tensor of zeros. */
  zeros(shape: Shape): Tensor;
  unary(name: UnaryName, x: Tensor): Tensor;
  /** Elementwise with broadcasting (a scalar operand may be a number). */
  binary(name: BinaryName, a: Tensor | number, b: Tensor | number): Tensor;
  /** A bool tensor from an elementwise comparison with broadcasting. */
  compare(name: CompareName, a: Tensor | number, b: Tensor | number): Tensor;
  logicalAnd(a: Tensor, b: Tensor): Tensor;
  /** condition ? a : b, broadcast together. */
  where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor;
  /** The sum over `axes` (sorted), which the output drops. */
  sum(x: Tensor, axes: readonly number[]): Tensor;
  /** The product of 2-D matrices, either optionally transposed. */
  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
  /** `size` elements from `begin` in every dimension. */
  slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor;
  concat(xs: readonly Tensor[], axis: number): Tensor;
  /** The same storage under another shape of the same size. */
  reshape(x: Tensor, shape: Shape): Tensor;
}

/**
 * The toolkit over the engine's `run`; `constant` wraps float32 values into a tensor on the
 * current backend.
 */
export function primitiveOps(
  run: RunKernel,
  constant: (values: Float32Array, shape: Shape) => Tensor,
): PrimitiveOps {
  const scalar = (value: number): Tensor => constant(Float32Array.of(value), []);
  const operand = (x: Tensor | number): Tensor => (typeof x === 'number' ? scalar(x) : x);
  const elementwise = (
    name: BinaryName | CompareName | 'LogicalAnd',
    a: Tensor | number,
    b: Tensor | number,
    dtype: DType,
  ): Tensor => {
    const x = operand(a);
    const y = operand(b);
    return run(name, [x, y], {}, { shape: broadcastShapes(x.shape, y.shape, name), dtype });
  };
  return {
    run,
    scalar,
    zeros: (shape) => constant(new Float32Array(sizeOf(shape)), shape),
    unary: (name, x) => run(name, [x], {}, { shape: x.shape, dtype: 'float32' }),
    binary: (name, a, b) => elementwise(name, a, b, 'float32'),
    compare: (name, a, b) => elementwise(name, a, b, 'bool'),
    logicalAnd: (a, b) => elementwise('LogicalAnd', a, b, 'bool'),
    where: (condition, a, b) => {
      const x = operand(a);
      const y = operand(b);
      const shape = broadcastShapes(
        condition.shape,
        broadcastShapes(x.shape, y.shape, 'Where'),
        'Where',
      );
      return run('Where', [condition, x, y], {}, { shape, dtype: 'float32' });
    },
    sum: (x, axes) =>
      run(
        'Sum',
        [x],
        { axes },
        { shape: x.shape.filter((_, d) => !axes.includes(d)), dtype: 'float32' },
      ),
    matMul: (a, b, transposeA = false, transposeB = false) => {
      const [a0, a1] = a.shape as [number, number];
      const [b0, b1] = b.shape as [number, number];
      const m = transposeA ? a1 : a0;
      const n = transposeB ? b0 : b1;
      const product = run(
        'BatchMatMul',
        [new Tensor(a.storage, [1, a0, a1], a.dtype), new Tensor(b.storage, [1, b0, b1], b.dtype)],
        { transposeA, transposeB },
        { shape: [1, m, n], dtype: 'float32' },
      );
      return new Tensor(product.storage, [m, n], 'float32');
    },
    slice: (x, begin, size) =>
      run('Slice', [x], { begin, strides: begin.map(() => 1) }, { shape: size, dtype: x.dtype }),
    concat: (xs, axis) => {
      const first = xs[0] as Tensor;
      const shape = first.shape.map((d, i) =>
        i === axis ? xs.reduce((s, x) => s + (x.shape[axis] as number), 0) : d,
      );
      return run('Concat', xs, { axis }, { shape, dtype: first.dtype });
    },
    reshape: (x, shape) => new Tensor(x.storage, shape, x.dtype),
  };
}
