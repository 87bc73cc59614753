/** Shape arithmetic and validation shared by ops and backends. Pure functions, no tensors. */
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

export type Shape = readonly number[];

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function assertValidShape(shape: readonly unknown[], where: string): asserts shape is Shape {
  if (!Array.isArray(shape))
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: shape must be an array of non-negative integers, received ${typeof shape === 'string' ? `'${shape}'` : String(shape)}${typeof shape === 'string' ? ' (a dtype? it is the third argument: tensor(values, shape, dtype))' : ''}`,
    );
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: shape must hold non-negative integers, received ${String(d)} at dimension ${i} of [${shape.map(String).join(',')}]`,
      );
    }
  }
}

/** NumPy broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast (dimension ${i} of the result: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against a rank; throws when out of range or not an integer. */
export function normalizeAxis(axis: number, rank: number, op: string, arg = 'axis'): number {
  if (!Number.isInteger(axis))
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: ${arg} must be an integer, received ${axis}`,
    );
  if (axis < -rank || axis >= rank) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: ${arg} ${axis} is out of range for a tensor of rank ${rank} (expected ${-rank} <= ${arg} < ${rank})`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves an axis argument (undefined = all axes) into sorted unique non-negative axes. */
export function normalizeAxes(
  axis: number | readonly number[] | undefined,
  rank: number,
  op: string,
): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const seen = new Set<number>();
  for (const a of list) {
    const n = normalizeAxis(a, rank, op);
    if (seen.has(n))
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: axis ${a} appears twice in [${list.join(',')}]`,
      );
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}

export function assertPermutation(perm: readonly number[], rank: number, op: string): void {
  const seen = new Set<number>();
  const ok =
    perm.length === rank &&
    perm.every(
      (p) => Number.isInteger(p) && p >= 0 && p < rank && !seen.has(p) && seen.add(p) !== undefined,
    );
  if (!ok) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: perm must be a permutation of 0..${rank - 1} for a tensor of rank ${rank}, received [${perm.join(',')}]`,
    );
  }
}
