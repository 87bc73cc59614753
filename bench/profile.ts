/**
 * `npm run bench:profile [-- W1|W1+reg|W2|W3|W4|W5|W6|W7] [--infer] [--threads n]`: where a Lamina
 * workload's time goes on the wasm backend (`--infer`: W5's or W6's predict step, not training). Wraps every kernel of the backend's table with a timer (bench only; the
 * backend itself is untouched) and prints, per kernel, calls per step, ms per step and share,
 * marking kernels that ran the reference fallback.
 */
import type * as lm from '../src/index.js';
import { wasmBackend } from '../src/backend/wasm/instance.js';
import { setThreads } from '../src/backend/wasm/index.js';
import { laminaEngine } from './recurrent.js';
import { table } from './util.js';
import { laminaInferStep, laminaStep, SPECS, warmUp } from './workloads.js';

const arg = process.argv.slice(2).find((a) => /^W\d/.test(a)) ?? 'W1';
const ti = process.argv.indexOf('--threads');
const threads = ti > 0 ? Number(process.argv[ti + 1]) : 1;
if (wasmBackend === null) throw new Error('profile: WebAssembly SIMD is not available');
setThreads(threads);
const nativeKernels: ReadonlySet<string> = wasmBackend.nativeKernels;

const kernels = wasmBackend.kernels as unknown as Record<
  string,
  (i: readonly lm.TensorInfo[], a: unknown, o: unknown) => unknown
>;
const stats = new Map<string, { calls: number; ms: number }>();
let profiling = false;
for (const name of Object.keys(kernels)) {
  const impl = kernels[name] as (i: readonly lm.TensorInfo[], a: unknown, o: unknown) => unknown;
  kernels[name] = (inputs, attrs, out) => {
    if (!profiling) return impl(inputs, attrs, out);
    const t0 = performance.now();
    const r = impl(inputs, attrs, out);
    const dt = performance.now() - t0;
    const native = nativeKernels.has(name);
    const key = `${name}${native ? '' : ' (fallback)'} ${inputs.map((i) => `${i.dtype[0]}[${i.shape.join(',')}]`).join(' ')}`;
    const s = stats.get(key) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += dt;
    stats.set(key, s);
    return r;
  };
}

const base = arg.replace('+reg', '');
const spec = SPECS(false).find((s) => s.name === base) ?? SPECS(false)[0]!;
const mode = process.argv.includes('--infer') ? 'infer' : 'train';
function stepOf(): () => void {
  if (base === 'W5' || base === 'W6') {
    const engine = laminaEngine(base === 'W5' ? 'LSTM' : 'GRU', mode, true, threads);
    return () => void engine.step();
  }
  if (base === 'W4' || base === 'W7') return laminaInferStep(base);
  return laminaStep(spec, arg.endsWith('+reg'));
}
const step = stepOf();
await warmUp(step);
// At least 20 steps and 2 s, so that W2's 0.2 ms steps are not measured on a few cold ones.
profiling = true;
let total = 0;
let steps = 0;
for (; steps < 20 || total < 2000; steps++) {
  const t0 = performance.now();
  step();
  total += performance.now() - t0;
  await new Promise((r) => setImmediate(r));
}
profiling = false;
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((s, [, v]) => s + v.ms, 0);
console.log(
  `${arg}${base === 'W5' || base === 'W6' ? ` ${mode}` : ''} on wasm, ${threads} thread(s): ${(total / steps).toFixed(2)} ms/step, ${(inKernels / steps).toFixed(2)} ms in kernels (${((100 * inKernels) / total).toFixed(0)}%)\n`,
);
console.log(
  table([
    ['kernel, inputs', 'calls/step', 'ms/step', 'share'],
    ...rows
      .slice(0, 40)
      .map(([k, v]) => [
        k,
        (v.calls / steps).toFixed(1),
        (v.ms / steps).toFixed(3),
        `${((100 * v.ms) / total).toFixed(1)}%`,
      ]),
  ]),
);
process.exit(0);
