/**
 * Runs one Lamina workload in a fresh process (spawned by `run.ts`), so that its peak resident
 * memory is its own: `tsx bench/child.ts '{"kind":"train","workload":"W1","backend":"wasm",
 * "threads":1,"quick":false}'`. Prints one `RESULT {...}` line.
 */
import {
  laminaGemm,
  laminaInfer,
  laminaRegOverhead,
  laminaTrain,
  setThreads,
  SPECS,
  wasmStats,
  type Result,
} from './workloads.js';

interface Job {
  kind: 'train' | 'infer' | 'gemm' | 'overhead';
  workload: string;
  backend: 'js' | 'wasm';
  threads: number;
  quick: boolean;
  n?: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
if (job.backend === 'wasm') setThreads(job.threads);
let r: Result;
if (job.kind === 'gemm') r = laminaGemm(job.backend, job.n ?? 1024);
else if (job.kind === 'infer')
  r = await laminaInfer(job.backend, job.quick ? 3 : 10, job.workload === 'W7' ? 'W7' : 'W4');
else if (job.kind === 'overhead') r = await laminaRegOverhead(job.backend, job.quick ? 20 : 150);
else {
  const base = job.workload.replace('+reg', '');
  const spec = SPECS(job.quick).find((s) => s.name === base);
  if (spec === undefined) throw new Error(`child: unknown workload ${job.workload}`);
  r = await laminaTrain(job.backend, spec, job.workload.endsWith('+reg'));
}
setThreads(1);
r.threads = job.threads;
r.peakRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  `RESULT ${JSON.stringify({ ...r, wasm: job.backend === 'wasm' ? wasmStats() : null })}`,
);
process.exit(0);
