/**
 * GEMM and W1-W4, W7 with Lamina wasm, TensorFlow.js wasm and PyTorch (`torch.ts`), one thread
 * each, steps alternated (`alternate.ts`): the ratios `npm run bench` reports as its headline.
 * Absolute figures, the other engines, thread counts and peak RSS come from the per-process runs
 * in `run.ts`. `npm run bench -- --alternated [GEMM512 W3 ...] [--quick]` runs these alone.
 */
import { execFileSync } from 'node:child_process';
import * as lm from '../src/index.js';
import {
  alternate,
  ratioLine,
  type EngineFigure,
  type Engine,
  type PairRatio,
  type Spread,
} from './alternate.js';
import { python, torchMissing, TorchServer } from './torch.js';
import { tfjsGemmStep, tfjsInferStep, tfjsTrainStep, useTfjs } from './peers.js';
import {
  INFER_SPECS,
  laminaGemmStep,
  laminaInferStep,
  laminaStep,
  SPECS,
  type Spec,
} from './workloads.js';

interface Alternated {
  name: string;
  /** The name PyTorch's step server knows the workload by. */
  torchName: string;
  engines: () => Engine[];
  work: number;
  unit: EngineFigure['unit'];
  rounds: number;
}

function workloads(quick: boolean): Alternated[] {
  const gemm = (n: number): Alternated => ({
    name: `GEMM ${n}^3`,
    torchName: `GEMM${n}`,
    engines: () => [
      { name: 'lamina wasm', step: laminaGemmStep(n) },
      { name: 'tfjs wasm', step: tfjsGemmStep(n) },
    ],
    work: (2 * n ** 3) / 1e9,
    unit: 'GFLOPS',
    rounds: quick ? 6 : n >= 1024 ? 15 : 40,
  });
  const train = (s: Spec): Alternated => ({
    name: s.name,
    torchName: s.name,
    // TensorFlow.js's wasm backend has no Conv2DBackpropFilter kernel: W3 trains without it.
    engines: () => [
      { name: 'lamina wasm', step: laminaStep(s) },
      ...(s.name === 'W3' ? [] : [{ name: 'tfjs wasm', step: tfjsTrainStep(s) }]),
    ],
    work: s.batch,
    unit: 'samples/s',
    rounds: quick ? 10 : s.name === 'W2' ? 400 : 60,
  });
  const infer = (w: 'W4' | 'W7'): Alternated => ({
    name: w,
    torchName: w,
    engines: () => [
      { name: 'lamina wasm', step: laminaInferStep(w) },
      { name: 'tfjs wasm', step: tfjsInferStep(w) },
    ],
    work: INFER_SPECS[w].batch,
    unit: 'samples/s',
    rounds: quick ? 6 : 40,
  });
  return [
    ...(quick ? [512] : [512, 1024]).map(gemm),
    ...SPECS(quick).map(train),
    infer('W4'),
    infer('W7'),
  ];
}

export interface AlternatedReport {
  figures: EngineFigure[];
  ratios: PairRatio[];
  /** Why PyTorch was left out, when it was. */
  torchNote: string | null;
}

/**
 * Runs the alternated workloads (those named in `only`, when given: GEMM512, W3, ...), with
 * PyTorch as a third engine when `import torch` works.
 */
export async function alternatedWorkloads(
  quick: boolean,
  only: readonly string[] = [],
): Promise<AlternatedReport> {
  lm.setBackend('wasm');
  await useTfjs('wasm');
  const torchNote = torchMissing();
  const torch = torchNote === null ? new TorchServer() : null;
  const version =
    torch === null
      ? ''
      : execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
          encoding: 'utf8',
        }).trim();
  const figures: EngineFigure[] = [];
  const ratios: PairRatio[] = [];
  const wanted = (name: string): boolean =>
    only.length === 0 || only.includes(name.replace(/^GEMM (\d+)\^3$/, 'GEMM$1'));
  try {
    for (const w of workloads(quick).filter((x) => wanted(x.name))) {
      const engines = [...w.engines(), ...(torch ? [torch.engine(w.torchName, version)] : [])];
      const r = await alternate(w.name, engines, {
        rounds: w.rounds,
        budgetMs: quick ? 8_000 : 45_000,
        work: w.work,
        unit: w.unit,
      });
      figures.push(...r.figures);
      ratios.push(...r.ratios);
      for (const f of r.figures)
        console.log(
          `  ${w.name.padEnd(10)} ${f.engine.padEnd(16)} ${f.perSecond.toFixed(1)} ${f.unit} (${f.perCpuSecond.toFixed(1)} per CPU second)`,
        );
      for (const q of r.ratios) console.log(`  ${w.name.padEnd(10)} ${ratioLine(q)}`);
    }
  } finally {
    torch?.close();
  }
  return { figures, ratios, torchNote };
}

export function alternatedMarkdown({ figures, ratios, torchNote }: AlternatedReport): string[] {
  const cell = (s: Spread): string =>
    `${s.median.toFixed(2)}x | ${s.q1.toFixed(2)}-${s.q3.toFixed(2)}x | ${s.min.toFixed(2)}-${s.max.toFixed(2)}x`;
  const figure = (w: string, e: string): string => {
    const x = figures.find((y) => y.workload === w && y.engine === e);
    return x === undefined ? '-' : `${x.perSecond.toFixed(1)} / ${x.perCpuSecond.toFixed(1)}`;
  };
  const engines = [...new Set(figures.map((f) => f.engine))];
  const workloadNames = [...new Set(figures.map((f) => f.workload))];
  return [
    '## Engines alternated step by step in one run',
    '',
    'Lamina wasm, TensorFlow.js wasm (same process) and PyTorch (its own process, a step server ' +
      'asked for one step at a time), one thread each; every round runs one step of each engine ' +
      '(order rotated). Ratios (how many times faster Lamina is) are per round: median, ' +
      'quartiles, range. CPU-time ratios (user + system of each process) leave out what the ' +
      'shared host gave to other processes; wall-clock ratios beside them. W3 has no TensorFlow.js ' +
      "wasm column: that backend lacks Conv2DBackpropFilter. W7 is W3's model predicting on a " +
      `batch of 256.${torchNote === null ? '' : ` ${torchNote}.`}`,
    '',
    'Median step, wall clock / per CPU second (GFLOPS for GEMM, samples/s otherwise):',
    '',
    `| workload | ${engines.join(' | ')} |`,
    `| --- | ${engines.map(() => '---').join(' | ')} |`,
    ...workloadNames.map((w) => `| ${w} | ${engines.map((e) => figure(w, e)).join(' | ')} |`),
    '',
    '| workload | ratio | CPU-time median | quartiles | range | wall median | quartiles | range | rounds |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...ratios.map(
      (q) => `| ${q.workload} | ${q.pair} | ${cell(q.cpu)} | ${cell(q.wall)} | ${q.rounds} |`,
    ),
    '',
  ];
}
