/**
 * Default compositions of the fused layer, backprop and penalty kernels (`FusedKernels`) from
 * primitives. Each gives the fused kernel's values: bit for bit where the reference rounds every
 * step to float32 in the order the kernel list writes it (bias + activation, ReluGrad,
 * MaxPoolReluGrad, ClipByValueGrad, PenaltyGradAdd, and the products before them), to rounding for Penalty (whose
 * reference sums in float64).
 */
import type { FusedKernels } from '../../backend/kernels.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CompositionTable } from './types.js';

const bits = new Float32Array(1);
const bitsInt = new Int32Array(bits.buffer);

/** The float32 next to float32 `f` towards +Infinity (up) or -Infinity. */
function nextFloat32(f: number, up: boolean): number {
  if (f === 0) return up ? 2 ** -149 : -(2 ** -149);
  bits[0] = f;
  bitsInt[0] = (bitsInt[0] as number) + (f > 0 === up ? 1 : -1);
  return bits[0] as number;
}

/**
 * The float32 bound that a float32 comparison against `bound` (a JS number) needs: for float32
 * x, x >= bound exactly when x >= lowest(bound) and x <= bound exactly when x <= highest(bound).
 * The kernel compares against the number itself; a scalar operand would be rounded to nearest.
 */
function lowest(bound: number): number {
  const f = Math.fround(bound);
  return f < bound ? nextFloat32(f, true) : f;
}

function highest(bound: number): number {
  const f = Math.fround(bound);
  return f > bound ? nextFloat32(f, false) : f;
}

export const fusedCompositions: CompositionTable<keyof FusedKernels> = {
  BiasActivation: (p, [x, bias], { activation }) => {
    const z = p.binary('Add', x, bias);
    return activation === 'relu' ? p.unary('Relu', z) : z;
  },
  MatMulBiasActivation: (p, [a, b, bias], { activation }, out) => {
    const product = p.matMul(a, b);
    return p.run('BiasActivation', [product, bias], { activation }, out);
  },
  Conv2DBiasActivation: (p, [x, filter, bias], { activation, ...attrs }, out) => {
    const z = p.run('Conv2D', [x, filter], attrs, out);
    return p.run('BiasActivation', [z, bias], { activation }, out);
  },
  ClipByValueGrad: (p, [dy, x], { min, max }) => {
    const inside = p.logicalAnd(
      p.compare('GreaterEqual', x, lowest(min)),
      p.compare('LessEqual', x, highest(max)),
    );
    return p.where(inside, dy, 0);
  },
  ReluGrad: (p, [dy, x]) => p.where(p.compare('Greater', x, 0), dy, 0),
  MaxPoolReluGrad: (p, [x, dy], attrs, out) =>
    p.run('ReluGrad', [p.run('MaxPoolGrad', [x, dy], attrs, out), x], {}, out),
  Penalty: (p, [x], { l1, l2 }) => {
    // A zero factor's term is left out, so that it is exactly 0 (also for an infinite x).
    const terms: Tensor[] = [];
    if (l1 !== 0) terms.push(p.binary('Mul', p.sum(p.unary('Abs', x), allAxes(x)), l1));
    if (l2 !== 0) terms.push(p.binary('Mul', p.sum(p.unary('Square', x), allAxes(x)), l2));
    const [first, second] = terms;
    if (first === undefined) return p.scalar(0);
    return second === undefined ? first : p.binary('Add', first, second);
  },
  PenaltyGradAdd: (p, [g, x], { a, b }) => {
    const term = p.binary('Add', p.binary('Mul', p.unary('Sign', x), a), p.binary('Mul', x, b));
    return p.binary('Add', g, term);
  },
  WeightGradPenalty: (p, [x, dz, w], attrs, out) =>
    p.run('PenaltyGradAdd', [p.matMul(x, dz, true, false), w], attrs, out),
};

function allAxes(x: Tensor): number[] {
  return x.shape.map((_, d) => d);
}
