/**
 * The wasm kernels' relaxed-SIMD build (fused multiply-adds) against the plain build, in one
 * process with steps alternated (`alternate.ts`): GEMM 512^3 and 1024^3, a W3 training step and a
 * W7 inference step, one thread. The package's backend runs the relaxed build (the default where
 * the runtime has relaxed SIMD); a second backend, registered as 'wasm-plain', runs the plain one
 * on a memory of its own.
 *
 * `node --import tsx bench/kernel-variants.ts [--quick] [GEMM512 W3 ...]`; Node 20 needs
 * `--experimental-wasm-relaxed-simd` (this script sets it itself before the kernels load; Node 21+
 * has relaxed SIMD without it).
 */
import v8 from 'node:v8';
import { cpus } from 'node:os';

// Node 21+ validates relaxed SIMD by default (and no longer knows the flag).
if (Number(process.versions.node.split('.')[0]) <= 20)
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const lm = await import('../src/index.js');
const { createWasmBackend } = await import('../src/backend/wasm/backend.js');
const { loadKernels } = await import('../src/backend/wasm/module.js');
const { alternate, ratioLine } = await import('./alternate.js');
const { INFER_SPECS, laminaGemmStep, laminaInferStep, laminaStep, SPECS } =
  await import('./workloads.js');

const quick = process.argv.includes('--quick');
const only = process.argv.slice(2).filter((a) => /^(GEMM|W)\d/.test(a));
if (lm.getKernelVariant() !== 'relaxed') {
  console.error(`kernel-variants: this runtime has no relaxed SIMD (node ${process.version})`);
  process.exit(1);
}
const plain = createWasmBackend(await loadKernels(256, undefined, 'plain'));
lm.registerBackend({ ...plain, name: 'wasm-plain' });

/** A step built and run on one backend (the other's state never crosses over). */
function on(backend: string, make: () => () => void): () => void {
  lm.setBackend(backend);
  const step = make();
  return () => {
    lm.setBackend(backend);
    step();
  };
}

const w3 = SPECS(quick).find((s) => s.name === 'W3');
if (w3 === undefined) throw new Error('kernel-variants: no W3 spec');
const workloads: { name: string; make: () => () => void; work: number; rounds: number }[] = [
  { name: 'GEMM512', make: () => laminaGemmStep(512), work: 2 * 512 ** 3 * 1e-9, rounds: 40 },
  { name: 'GEMM1024', make: () => laminaGemmStep(1024), work: 2 * 1024 ** 3 * 1e-9, rounds: 15 },
  { name: 'W3', make: () => laminaStep(w3), work: w3.batch, rounds: 40 },
  { name: 'W7', make: () => laminaInferStep('W7'), work: INFER_SPECS.W7.batch, rounds: 40 },
];

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `wasm kernels, relaxed vs plain (node ${process.version}, ${cpus().length} x ${cpu}; CPU-time and wall ratios, relaxed / plain speed)`,
);
for (const w of workloads.filter((x) => only.length === 0 || only.includes(x.name))) {
  const r = await alternate(
    w.name,
    [
      { name: 'relaxed', step: on('wasm', w.make) },
      { name: 'plain', step: on('wasm-plain', w.make) },
    ],
    {
      rounds: quick ? 6 : w.rounds,
      budgetMs: quick ? 5_000 : 60_000,
      work: w.work,
      unit: w.name.startsWith('GEMM') ? 'GFLOPS' : 'samples/s',
    },
  );
  for (const f of r.figures)
    console.log(
      `  ${w.name.padEnd(9)} ${f.engine.padEnd(8)} ${f.perSecond.toFixed(1)} ${f.unit} (${f.perCpuSecond.toFixed(1)} per CPU second)`,
    );
  for (const q of r.ratios) console.log(`  ${w.name.padEnd(9)} ${ratioLine(q)}`);
}
