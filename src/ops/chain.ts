/**
 * Method chaining (`x.add(y).relu()`), as TensorFlow.js users expect. The methods are attached
 * here, above the ops, so that `tensor/` never imports the ops it would otherwise depend on.
 */
import { Tensor } from '../tensor/tensor.js';
import * as activations from './activations.js';
import { conv2d, avgPool2d, maxPool2d } from './conv.js';
import * as ew from './elementwise.js';
import { dot, matMul } from './linalg.js';
import * as mv from './movement.js';
import * as rd from './reduction.js';
import { topk } from './selection.js';

/**
 * An op `f(x, ...rest)` seen as a method `x.f(...rest)`. Naming `Tensor` here also keeps its
 * import in the emitted `chain.d.ts`, whose inferred table of ops refers to it.
 */
type Method<F> = F extends (x: Tensor, ...rest: infer R) => infer O ? (...rest: R) => O : never;

const chained = {
  add: ew.add,
  sub: ew.sub,
  mul: ew.mul,
  div: ew.div,
  pow: ew.pow,
  maximum: ew.maximum,
  minimum: ew.minimum,
  squaredDifference: ew.squaredDifference,
  neg: ew.neg,
  abs: ew.abs,
  sign: ew.sign,
  exp: ew.exp,
  log: ew.log,
  log1p: ew.log1p,
  sqrt: ew.sqrt,
  rsqrt: ew.rsqrt,
  square: ew.square,
  reciprocal: ew.reciprocal,
  floor: ew.floor,
  ceil: ew.ceil,
  round: ew.round,
  sin: ew.sin,
  cos: ew.cos,
  erf: ew.erf,
  equal: ew.equal,
  notEqual: ew.notEqual,
  greater: ew.greater,
  greaterEqual: ew.greaterEqual,
  less: ew.less,
  lessEqual: ew.lessEqual,
  logicalAnd: ew.logicalAnd,
  logicalOr: ew.logicalOr,
  logicalNot: ew.logicalNot,
  cast: ew.cast,
  clipByValue: ew.clipByValue,
  relu: activations.relu,
  relu6: activations.relu6,
  leakyRelu: activations.leakyRelu,
  elu: activations.elu,
  selu: activations.selu,
  gelu: activations.gelu,
  sigmoid: activations.sigmoid,
  hardSigmoid: activations.hardSigmoid,
  tanh: activations.tanh,
  softplus: activations.softplus,
  softsign: activations.softsign,
  swish: activations.swish,
  softmax: activations.softmax,
  logSoftmax: activations.logSoftmax,
  sum: rd.sum,
  mean: rd.mean,
  max: rd.max,
  min: rd.min,
  prod: rd.prod,
  argMax: rd.argMax,
  argMin: rd.argMin,
  logSumExp: rd.logSumExp,
  variance: rd.variance,
  norm: rd.norm,
  cumsum: rd.cumsum,
  topk,
  reshape: mv.reshape,
  transpose: mv.transpose,
  slice: mv.slice,
  stridedSlice: mv.stridedSlice,
  split: mv.split,
  unstack: mv.unstack,
  gather: mv.gather,
  pad: mv.pad,
  tile: mv.tile,
  expandDims: mv.expandDims,
  squeeze: mv.squeeze,
  reverse: mv.reverse,
  broadcastTo: mv.broadcastTo,
  oneHot: mv.oneHot,
  matMul,
  dot,
  conv2d,
  maxPool2d,
  avgPool2d,
};

type Chained = { [K in keyof typeof chained]: Method<(typeof chained)[K]> };

declare module '../tensor/tensor.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends Chained {}
}

for (const [name, op] of Object.entries(chained)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...rest: unknown[]): unknown {
      return (op as (x: Tensor, ...r: unknown[]) => unknown)(this, ...rest);
    },
    writable: true,
    configurable: true,
  });
}

/** Concatenates `this` with `others` along `axis`. */
function concatMethod(this: Tensor, others: Tensor | readonly Tensor[], axis = 0): Tensor {
  return mv.concat([this, ...(others instanceof Tensor ? [others] : others)], axis);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    concat(others: Tensor | readonly Tensor[], axis?: number): Tensor;
    /** Flattens to rank 1. */
    flatten(): Tensor;
  }
}

Object.defineProperty(Tensor.prototype, 'concat', {
  value: concatMethod,
  writable: true,
  configurable: true,
});
Object.defineProperty(Tensor.prototype, 'flatten', {
  value: function (this: Tensor): Tensor {
    return mv.reshape(this, [this.size]);
  },
  writable: true,
  configurable: true,
});
