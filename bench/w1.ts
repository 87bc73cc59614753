/**
 * `tsx bench/w1.ts [steps] [sync|turn] [wasm|js]`: W1 training speed on the wasm backend (or the
 * reference js backend; median step, samples/s) and resident memory, either in one synchronous
 * loop or with a macrotask turn after each step (as `npm run bench` does).
 */
import { wasmBackend } from '../src/backend/wasm/instance.js';
import { setBackend } from '../src/index.js';
import { laminaStep, median, SPECS } from './workloads.js';

// Optional override for experiments: W1_CACHE_MIB (the size of the wasm cache).
const mem = wasmBackend?.mem as { cacheBytes?: number } | undefined;
if (mem !== undefined && process.env.W1_CACHE_MIB !== undefined)
  mem.cacheBytes = Number(process.env.W1_CACHE_MIB) * 2 ** 20;

const steps = Number(process.argv[2] ?? 200);
const mode = process.argv[3] ?? 'sync';
const backend = process.argv[4] ?? 'wasm';
setBackend(backend);
const spec = SPECS(false).find((s) => s.name === 'W1');
if (spec === undefined) throw new Error('no W1');
const step = laminaStep(spec);
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
for (let i = 0; i < 5; i++) step();
const ms: number[] = [];
const t0 = performance.now();
for (let i = 0; i < steps; i++) {
  const t = performance.now();
  step();
  ms.push(performance.now() - t);
  if (mode === 'turn') await turn();
}
const total = performance.now() - t0;
console.log(
  `W1 ${backend} ${mode}: ${steps} steps, median ${median(ms).toFixed(2)} ms = ${((1000 * spec.batch) / median(ms)).toFixed(0)} samples/s (mean ${((1000 * spec.batch * steps) / total).toFixed(0)}), rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB ${JSON.stringify((wasmBackend?.mem as { stats(): unknown } | undefined)?.stats())}`,
);
