import type { MovementKernels } from '../../backend/kernels.js';
import { runKernel, type RecordedName } from '../../engine/engine.js';
import { gather, reshape, reverse, slice, transpose } from '../../ops/movement.js';
import { sum } from '../../ops/reduction.js';
import type { GradTable } from './types.js';

export const movementGradients: GradTable<
  keyof MovementKernels | Extract<RecordedName, 'Reshape'>
> = {
  Reshape: ({ dy, inputs: [x] }) => [reshape(dy, x.shape)],
  Transpose: ({ dy, attrs: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [transpose(dy, inverse)];
  },
  // A strided slice's adjoint pads: zeros before, between (stride - 1) and after.
  Slice: ({ dy, inputs: [x], attrs: { begin, strides } }) => {
    const before: number[] = [];
    const after: number[] = [];
    x.shape.forEach((d, i) => {
      const n = dy.shape[i] as number;
      const start = n === 0 ? 0 : (begin[i] as number);
      const end = n === 0 ? 0 : start + (n - 1) * (strides[i] as number) + 1;
      before.push(start);
      after.push(d - end);
    });
    const interior = strides.map((s, i) => ((dy.shape[i] as number) > 1 ? s - 1 : 0));
    return [
      runKernel(
        'Pad',
        [dy],
        { before, after, interior, value: 0 },
        { shape: x.shape, dtype: dy.dtype },
      ),
    ];
  },
  Pad: ({ dy, inputs: [x], attrs: { before, interior } }) => [
    runKernel(
      'Slice',
      [dy],
      { begin: before, strides: interior.map((i) => i + 1) },
      { shape: x.shape, dtype: dy.dtype },
    ),
  ],
  Concat: ({ dy, inputs, attrs: { axis } }) => {
    let offset = 0;
    return inputs.map((x) => {
      const begin = x.shape.map((_, d) => (d === axis ? offset : 0));
      offset += x.shape[axis] as number;
      return slice(dy, begin, x.shape);
    });
  },
  Gather: ({ dy, inputs: [x, indices], attrs: { axis } }) => [
    runKernel(
      'ScatterAdd',
      [dy, indices],
      { axis, size: x.shape[axis] as number },
      { shape: x.shape, dtype: dy.dtype },
    ),
    null,
  ],
  ScatterAdd: ({ dy, inputs: [, indices], attrs: { axis } }) => [gather(dy, indices, axis), null],
  // Tiling repeats blocks: view dy as [r0, d0, r1, d1, ...] and sum over the repeat axes.
  Tile: ({ dy, inputs: [x], attrs: { reps } }) => {
    const split: number[] = [];
    x.shape.forEach((d, i) => split.push(reps[i] as number, d));
    const repAxes = x.shape.map((_, i) => 2 * i);
    return [reshape(sum(reshape(dy, split), repAxes), x.shape)];
  },
  Reverse: ({ dy, attrs: { axes } }) => [reverse(dy, axes)],
  OneHot: () => [null],
};
