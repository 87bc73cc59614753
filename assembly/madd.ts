// The multiply-add of the wasm kernels' inner loops.
//
// Built with `--enable relaxed-simd` (the relaxed variants of the module, see assembly/build.mjs),
// `madd` is one `f32x4.relaxed_madd`, which V8 lowers to a fused multiply-add (one rounding) where
// the CPU has FMA3 and to a multiply and an add elsewhere: results may differ in the last bits
// between machines, never between two runs on one machine and engine. The plain build is the
// multiply and the add, rounded twice, the same bits everywhere.

/** c + a * b, lane by lane. */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
