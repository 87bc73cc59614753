/**
 * `npm run bench` (`-- --quick` for a short pass, `-- --threads 2` for the thread count of the
 * extra Lamina wasm column; 2 by default, 1 to skip it): the issue-5 workloads and W7 (W3's model
 * predicting) for Lamina against TensorFlow.js 4.22 and PyTorch, on the same seeded synthetic
 * data, in one run. Two passes:
 *
 * - Alternated (`alternated.ts`, the headline): Lamina wasm, TensorFlow.js wasm and PyTorch (when
 *   `import torch` works in LAMINA_PYTHON or python3; a note otherwise), one thread each, steps
 *   alternated within each workload; median ratios of wall-clock and CPU time with their spread.
 *   W5/W6 (recurrent, `recurrent.ts`) likewise.
 * - Each Lamina engine (js, wasm, wasm with a thread pool) in a child process of its own
 *   (`child.ts`), so that its peak RSS is its own and no peer's, with RSS at the end of each epoch;
 *   TensorFlow.js's `cpu` and `wasm` backends in this process.
 *
 * Saves JSON + Markdown under bench/results/ (replacing older bench-* results).
 * `-- --recurrent` runs only W5/W6; `-- --alternated [GEMM512 W3 ...]` only the alternated pass.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { getKernelVariant } from '../src/index.js';
import { table } from './util.js';
import { tfjsGemm, tfjsInfer, tfjsTrain } from './peers.js';
import { alternatedMarkdown, alternatedWorkloads } from './alternated.js';
import { recurrentOnly, recurrentReport, type RecurrentReport } from './recurrent.js';
import { runtimeNote, SPECS, WARMUP_MS, wasmAvailable, type Result } from './workloads.js';

const quick = process.argv.includes('--quick');
const ti = process.argv.indexOf('--threads');
const threads = ti > 0 ? Number(process.argv[ti + 1]) : 2;

/** Runs one Lamina workload in a fresh process and returns its result. */
function child(job: {
  kind: 'train' | 'infer' | 'gemm' | 'overhead';
  workload: string;
  backend: 'js' | 'wasm';
  threads: number;
  n?: number;
}): Result {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'bench/child.ts', JSON.stringify({ ...job, quick })],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 2 ** 24 },
  );
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`bench: no result from ${JSON.stringify(job)}`);
  const r = JSON.parse(line.slice(7)) as Result;
  if (job.threads > 1) r.engine = `${r.engine} ${job.threads}t`;
  return r;
}

async function main(): Promise<void> {
  const results: Result[] = [];
  /** W1+reg against W1 with steps alternated in one process (kept out of the main table). */
  const overhead: Result[] = [];
  type Ours = { backend: 'js' | 'wasm'; threads: number };
  const ours: Ours[] = wasmAvailable
    ? [
        { backend: 'wasm', threads: 1 },
        ...(threads > 1 ? [{ backend: 'wasm' as const, threads }] : []),
        { backend: 'js', threads: 1 },
      ]
    : [{ backend: 'js', threads: 1 }];
  const log = (r: Result): void => {
    results.push(r);
    const v = r.gflops !== undefined ? `${r.gflops.toFixed(1)} GFLOPS` : fmt(r.samplesPerSec);
    const rss = r.peakRssMiB !== undefined ? `  peak RSS ${r.peakRssMiB.toFixed(0)} MiB` : '';
    const epochs =
      r.rssPerEpochMiB !== undefined && r.rssPerEpochMiB.length > 1
        ? ` (per epoch ${r.rssPerEpochMiB.map((x) => x.toFixed(0)).join(', ')})`
        : '';
    console.log(
      `  ${r.workload.padEnd(8)} ${r.engine.padEnd(14)} ${v}${rss}${epochs}${r.note ? `  (${r.note})` : ''}`,
    );
  };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `Lamina benchmark (${runtimeNote()}, ${cpus().length} x ${cpu}; ${quick ? 'quick; ' : ''}samples/s of the median step)\n`,
  );
  const n = quick ? 512 : 1024;
  // Square GEMMs at three sizes for every Lamina engine (the peers at the largest).
  for (const size of quick ? [n] : [256, 512, n]) {
    for (const o of ours) log(child({ kind: 'gemm', workload: 'GEMM', n: size, ...o }));
  }
  for (const b of ['wasm', 'cpu'] as const) log(await tfjsGemm(b, n));
  for (const s of SPECS(quick)) {
    for (const o of ours) {
      if (o.backend === 'js' && s.name === 'W3' && quick) continue;
      log(child({ kind: 'train', workload: s.name, ...o }));
      if (s.name === 'W1') {
        log(child({ kind: 'train', workload: 'W1+reg', ...o }));
        if (o.backend === 'wasm') {
          const r = child({ kind: 'overhead', workload: 'W1', ...o });
          overhead.push(r);
          console.log(`  ${overheadLine(r)}`);
        }
      }
    }
    for (const b of ['wasm', 'cpu'] as const) {
      // TensorFlow.js cpu trains W3 at ~3.5 samples/s (18 s a step on a quiet host; minutes
      // under load): its figure says nothing new and cost most of a full run.
      if (b === 'cpu' && s.name === 'W3') continue;
      log(await tfjsTrain(b, s));
    }
  }
  for (const w of ['W4', 'W7'] as const) {
    for (const o of ours) {
      if (o.backend === 'js' && w === 'W7' && quick) continue;
      log(child({ kind: 'infer', workload: w, ...o }));
    }
    for (const b of ['wasm', 'cpu'] as const) {
      if (b === 'cpu' && w === 'W7' && quick) continue;
      log(await tfjsInfer(b, quick ? 2 : 5, w));
    }
  }
  console.log('\nGEMM, W1-W4, W7, engines alternated step by step:');
  const alternated = await alternatedWorkloads(quick);
  let recurrent: RecurrentReport | null = null;
  if (wasmAvailable) {
    console.log('\nW5/W6, engines alternated step by step:');
    recurrent = await recurrentReport(quick, threads);
  }
  const torchNote =
    alternated.torchNote ??
    'PyTorch: one thread (OMP/OpenBLAS/MKL_NUM_THREADS=1), in the alternated rounds only';

  // Summary: each Lamina engine against each peer.
  const workloads = [...new Set(results.map((r) => r.workload))];
  const engines = [...new Set(results.map((r) => r.engine))];
  const value = (w: string, e: string): number | null => {
    const r = results.find((x) => x.workload === w && x.engine === e);
    return r?.gflops ?? r?.samplesPerSec ?? null;
  };
  const peers = engines.filter((e) => !e.startsWith('lamina'));
  const rssOf = (w: string, e: string): string => {
    const r = results.find((x) => x.workload === w && x.engine === e);
    return r?.peakRssMiB !== undefined ? `${r.peakRssMiB.toFixed(0)} MiB` : '-';
  };
  const threaded = engines.filter((e) => e.startsWith('lamina wasm '));
  const head = [
    'workload',
    ...engines,
    ...peers.map((p) => `wasm/${p}`),
    ...threaded.flatMap((t) => peers.map((p) => `${t.slice(12)}/${p}`)),
    ...threaded.map((t) => `${t.slice(12)}/1t`),
    'peak RSS (wasm)',
    ...threaded.map((t) => `peak RSS (wasm ${t.slice(12)})`),
  ];
  const rows = workloads.map((w) => {
    const mine = value(w, 'lamina wasm');
    return [
      w,
      ...engines.map((e) => fmt(value(w, e))),
      ...peers.map((p) => ratio(mine, value(w, p))),
      ...threaded.flatMap((t) => peers.map((p) => ratio(value(w, t), value(w, p)))),
      ...threaded.map((t) => {
        const v = value(w, t);
        return mine !== null && v !== null ? `${(v / mine).toFixed(2)}x` : '-';
      }),
      rssOf(w, 'lamina wasm'),
      ...threaded.map((t) => rssOf(w, t)),
    ];
  });
  const epochRows = results
    .filter((r) => r.rssPerEpochMiB !== undefined && r.rssPerEpochMiB.length > 1)
    .map((r) => [
      r.workload,
      r.engine,
      (r.rssPerEpochMiB as number[]).map((x) => x.toFixed(0)).join(', '),
    ]);
  console.log('\n' + table([head, ...rows]));

  mkdirSync('bench/results', { recursive: true });
  for (const f of readdirSync('bench/results'))
    if (/^bench-.*\.(json|md)$/.test(f)) rmSync(`bench/results/${f}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const machine = `${cpus().length} x ${cpu}`;
  const meta = {
    node: process.version,
    kernels: getKernelVariant(),
    machine,
    quick,
    threads,
    date: new Date().toISOString(),
    torch: torchNote,
  };
  writeFileSync(
    `bench/results/bench-${stamp}.json`,
    JSON.stringify(
      {
        meta,
        results,
        alternated,
        overhead,
        recurrent: { ...recurrent, markdown: undefined },
      },
      null,
      2,
    ),
  );
  const md = [
    `# Lamina benchmark ${meta.date}${quick ? ' (quick)' : ''}`,
    '',
    `${runtimeNote()}, ${machine}.`,
    '',
    ...alternatedMarkdown(alternated),
    '## Each engine in a process of its own',
    '',
    `Samples/s of the median step; GEMM rows in GFLOPS. ` +
      `Lamina and peers single-threaded except the \`lamina wasm ${threads}t\` column ` +
      `(\`setThreads(${threads})\`). Peak RSS: each Lamina workload in a process of its own ` +
      `(maxRSS). Every engine warms up for at least 2 steps and ${WARMUP_MS / 1000} s before ` +
      `timing. ${torchNote}.`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    'W1+reg against W1, steps alternated in one process (medians; the bar is <= 10% slower):',
    '',
    ...overhead.map((r) => `- ${overheadLine(r)}`),
    '',
    'Resident memory (MiB) at the end of each epoch:',
    '',
    '| workload | engine | RSS per epoch |',
    '| --- | --- | --- |',
    ...epochRows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...(recurrent?.markdown ?? []),
  ].join('\n');
  writeFileSync(`bench/results/bench-${stamp}.md`, md);
  console.log(`\nsaved bench/results/bench-${stamp}.{json,md}`);
}

function overheadLine(r: Result): string {
  return `W1+reg vs W1, ${r.engine}: ${fmt(r.samplesPerSec)} vs ${fmt(r.baselineSamplesPerSec)} samples/s, ${(r.slowerPercent ?? NaN).toFixed(1)}% slower (steps alternated in one process)`;
}

function ratio(a: number | null, b: number | null): string {
  return a !== null && b !== null ? `${(a / b).toFixed(2)}x` : '-';
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return v >= 100 ? v.toFixed(0) : v.toFixed(2);
}

if (process.argv.includes('--recurrent')) await recurrentOnly(quick, threads);
else if (process.argv.includes('--alternated')) {
  const only = process.argv.slice(2).filter((a) => /^(GEMM|W)\d/.test(a));
  console.log(`alternated workloads (${runtimeNote()})`);
  await alternatedWorkloads(quick, only);
} else await main();
