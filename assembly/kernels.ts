// WebAssembly SIMD kernels for Lamina's wasm backend (AssemblyScript; built by `npm run build:wasm`).
//
// Kernels never allocate: every pointer (inputs, output, packing scratch) points into memory the
// TypeScript side owns (src/backend/wasm/memory.ts). All float data is float32, row-major.
//
// This entry file exports the kernels, grouped by family in the files next to it:
//   gemm.ts         packed GEMM; zero and copy
//   madd.ts         the multiply-add of the inner loops (fused with relaxed SIMD)
//   elementwise.ts  binary arithmetic (same shape, scalar, row broadcasts), unary math, casts
//   reduce.ts       sums over leading or trailing axes, softmax and log-softmax
//   conv.ts         im2col / col2im for the convolutions, max pooling and its gradient
//   depthwise.ts    depthwise convolution and its two gradients
//   strided.ts      general broadcasting binary ops, where, strided gathers, 2-D transpose
//   optimizer.ts    fused optimizer updates (axpby, axpby of a square, Adam's and RMSprop's steps)
//   fused.ts        fused steps: bias + activation, relu's gradient, L1/L2 penalty and gradient,
//                   clipping and its gradient
//   recurrent-sequence.ts  fused recurrent sequences (SimpleRNN, LSTM, GRU): the time loops, on
//                   recurrent.ts (forward gates), recurrent-tiles.ts (the LSTM step with its
//                   product in register tiles), recurrent-grad.ts (backward), recurrent-math.ts
//                   (float32 activations) and gemm-packed.ts (GEMM on a B packed once)

export { gemmScratchBytes, gemm, zero, copy } from './gemm';
export { binary, unary, cast } from './elementwise';
export { sumTrailing, sumLeading, softmax } from './reduce';
export { im2col, col2im, convDirect, convFilterDirect, maxPool, maxPoolGrad } from './conv';
export { depthwise } from './depthwise';
export { gatherStrided, transpose2d, binaryBroadcast, where } from './strided';
export { axpby, axpbySquare, adamStep, rmsStep } from './optimizer';
export {
  biasActivation,
  reluGrad,
  penalty,
  penaltyGrad,
  penaltyGradAdd,
  clip,
  clipGrad,
} from './fused';
export {
  rnnForward,
  rnnBackward,
  rnnScratchBytes,
  packPanels,
  packedFloats,
} from './recurrent-sequence';

/** A tiny SIMD function, so the loader can check the module validates. */
export function simdProbe(x: f32): f32 {
  return f32x4.extract_lane(f32x4.splat(x), 0);
}

/** First byte after the module's static data: the TypeScript allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
