/**
 * W5 (LSTM) and W6 (GRU): 128 units over 32 steps of 32 features, batch 64, a softmax head of 10
 * classes, Adam; training steps (trainOnBatch) and inference (predict on the batch). Every engine
 * runs in this one process and their steps are alternated, one step each per round (the order
 * rotated each round), so that all see the same state of a shared, noisy host; each round gives a
 * ratio per engine pair, and the report is the median ratio with its quartiles and extremes.
 * Engines: Lamina wasm (fused sequence kernels), Lamina wasm step by step (the same layers with
 * `setRecurrentFusion(false)`: what the fused kernels bought), TensorFlow.js wasm. One thread
 * each. PyTorch runs in its own process (`torch_workloads.py --recurrent`), so its ratio is
 * between medians of separate runs, taken before and after the alternated rounds.
 *
 * `npm run bench -- --recurrent [--quick]` runs these alone (results in
 * bench/results/recurrent-*.{json,md}); a full `npm run bench` includes them.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import * as lm from '../src/index.js';
import { setRecurrentFusion } from '../src/layers/recurrent/base.js';
import { setThreads, threadsReady } from '../src/backend/wasm/index.js';
import { quantile } from './alternate.js';
import { useTfjs } from './peers.js';
import { inputs, labelsOneHot, median, runtimeNote, warmUp } from './workloads.js';

export const RNN_SPEC = { batch: 64, steps: 32, features: 32, units: 128, classes: 10 };

export type Cell = 'LSTM' | 'GRU';
export type Mode = 'train' | 'infer';

interface Engine {
  name: string;
  step: () => Promise<void> | void;
}

function data(): { x: Float32Array; y: Float32Array } {
  const { batch, steps, features, classes } = RNN_SPEC;
  return { x: inputs(batch * steps * features, 5), y: labelsOneHot(batch, classes) };
}

export function laminaEngine(cell: Cell, mode: Mode, fused: boolean, threads = 1): Engine {
  const { batch, steps, features, units, classes } = RNN_SPEC;
  lm.setBackend('wasm');
  lm.setSeed(1);
  const rnn =
    cell === 'LSTM'
      ? lm.layers.lstm({ units, inputShape: [steps, features] })
      : lm.layers.gru({ units, inputShape: [steps, features], resetAfter: false });
  const m = lm.sequential({
    layers: [rnn, lm.layers.dense({ units: classes, activation: 'softmax' })],
  });
  m.compile({ optimizer: new lm.Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
  const d = data();
  const x = lm.tensor(d.x, [batch, steps, features]);
  const y = lm.tensor(d.y, [batch, classes]);
  const run =
    mode === 'train'
      ? (): void => void m.trainOnBatch(x, y)
      : (): void => void (m.predict(x, { batchSize: batch }) as lm.Tensor).dataSync();
  return {
    name: fused ? `lamina wasm${threads > 1 ? ` ${threads}t` : ''}` : 'lamina wasm step-by-step',
    step: () => {
      const previous = setRecurrentFusion(fused);
      try {
        run();
      } finally {
        setRecurrentFusion(previous);
      }
    },
  };
}

function tfjsEngine(cell: Cell, mode: Mode): Engine {
  const { batch, steps, features, units, classes } = RNN_SPEC;
  const m = tf.sequential();
  m.add(
    cell === 'LSTM'
      ? tf.layers.lstm({ units, inputShape: [steps, features] })
      : tf.layers.gru({ units, inputShape: [steps, features] }),
  );
  m.add(tf.layers.dense({ units: classes, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const d = data();
  const x = tf.tensor(d.x, [batch, steps, features]);
  const y = tf.tensor(d.y, [batch, classes]);
  return {
    name: 'tfjs wasm',
    step:
      mode === 'train'
        ? async () => void (await m.trainOnBatch(x, y))
        : () => {
            const p = m.predict(x, { batchSize: batch }) as tf.Tensor;
            p.dataSync();
            p.dispose();
          },
  };
}

export interface PairRatio {
  workload: string;
  mode: Mode;
  /** e.g. "lamina wasm / tfjs wasm": how many times faster the first is. */
  pair: string;
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  rounds: number;
}

export interface EngineFigure {
  workload: string;
  mode: Mode;
  engine: string;
  samplesPerSec: number;
}

/** Alternates the engines' steps for `rounds` rounds (after each warms up); ratios per round. */
export async function alternate(
  workload: string,
  mode: Mode,
  engines: Engine[],
  rounds: number,
  budgetMs: number,
): Promise<{ figures: EngineFigure[]; ratios: PairRatio[] }> {
  for (const e of engines) await warmUp(e.step);
  const times: number[][] = engines.map(() => []);
  const start = performance.now();
  for (let r = 0; r < rounds && (r < 5 || performance.now() - start < budgetMs); r++) {
    for (let k = 0; k < engines.length; k++) {
      const i = (r + k) % engines.length;
      const t0 = performance.now();
      await (engines[i] as Engine).step();
      (times[i] as number[]).push(performance.now() - t0);
      await new Promise((res) => setImmediate(res));
    }
  }
  const { batch } = RNN_SPEC;
  const figures = engines.map((e, i) => ({
    workload,
    mode,
    engine: e.name,
    samplesPerSec: (1000 * batch) / median(times[i] as number[]),
  }));
  const ratios: PairRatio[] = [];
  for (let a = 0; a < engines.length; a++) {
    for (let b = a + 1; b < engines.length; b++) {
      if (a !== 0) continue; // Lamina fused against each other engine.
      const per = (times[a] as number[])
        .map((ta, r) => ((times[b] as number[])[r] as number) / ta)
        .sort((x, y) => x - y);
      ratios.push({
        workload,
        mode,
        pair: `${(engines[a] as Engine).name} / ${(engines[b] as Engine).name}`,
        median: quantile(per, 0.5),
        q1: quantile(per, 0.25),
        q3: quantile(per, 0.75),
        min: per[0] as number,
        max: per[per.length - 1] as number,
        rounds: per.length,
      });
    }
  }
  return { figures, ratios };
}

export async function recurrentWorkloads(
  quick: boolean,
  threads: number,
): Promise<{ figures: EngineFigure[]; ratios: PairRatio[] }> {
  await useTfjs('wasm');
  const figures: EngineFigure[] = [];
  const ratios: PairRatio[] = [];
  const run = async (
    workload: string,
    mode: Mode,
    engines: Engine[],
    rounds: number,
  ): Promise<void> => {
    const r = await alternate(workload, mode, engines, rounds, quick ? 10_000 : 60_000);
    figures.push(...r.figures);
    ratios.push(...r.ratios);
    for (const f of r.figures) {
      console.log(
        `  ${workload} ${mode.padEnd(5)} ${f.engine.padEnd(26)} ${f.samplesPerSec.toFixed(0)} samples/s`,
      );
    }
    for (const q of r.ratios) console.log(`  ${workload} ${mode.padEnd(5)} ${ratioLine(q)}`);
  };
  const workloads = [
    ['W5', 'LSTM'],
    ['W6', 'GRU'],
  ] as const;
  for (const [workload, cell] of workloads) {
    for (const mode of ['train', 'infer'] as const) {
      const engines = [
        laminaEngine(cell, mode, true),
        laminaEngine(cell, mode, false),
        tfjsEngine(cell, mode),
      ];
      await run(workload, mode, engines, quick ? 6 : mode === 'train' ? 40 : 60);
    }
  }
  // The fused kernels on the thread pool (the batch split across threads) against TF.js wasm,
  // alternated likewise; the pool stays up for this whole phase (starting it costs ~50 ms).
  if (threads > 1) {
    setThreads(threads);
    await threadsReady();
    try {
      for (const [workload, cell] of workloads) {
        for (const mode of ['train', 'infer'] as const) {
          const engines = [laminaEngine(cell, mode, true, threads), tfjsEngine(cell, mode)];
          await run(workload, mode, engines, quick ? 6 : mode === 'train' ? 30 : 40);
        }
      }
    } finally {
      setThreads(1);
    }
  }
  return { figures, ratios };
}

export function ratioLine(q: PairRatio): string {
  return `${q.pair}: median ${q.median.toFixed(2)}x (quartiles ${q.q1.toFixed(2)}-${q.q3.toFixed(2)}x, range ${q.min.toFixed(2)}-${q.max.toFixed(2)}x, ${q.rounds} alternated rounds)`;
}

/**
 * PyTorch (one thread) on W5/W6 in its own process (`torch_workloads.py --recurrent`), or a
 * note saying why it is skipped.
 */
export function torchRecurrent(quick: boolean): Record<string, number | string> | string {
  const python = process.env.LAMINA_PYTHON ?? 'python3';
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return `PyTorch skipped: ${python} -c 'import torch' fails (LAMINA_PYTHON may name another interpreter)`;
  }
  const out = execFileSync(
    python,
    ['bench/torch_workloads.py', '--recurrent', ...(quick ? ['--quick'] : [])],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        OMP_NUM_THREADS: '1',
        OPENBLAS_NUM_THREADS: '1',
        MKL_NUM_THREADS: '1',
      },
    },
  );
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number | string>;
}

export interface RecurrentReport {
  figures: EngineFigure[];
  ratios: PairRatio[];
  /** PyTorch's samples/s before and after the alternated rounds, or why it was skipped. */
  torch:
    { before: Record<string, number | string>; after: Record<string, number | string> } | string;
  markdown: string[];
}

/** W5/W6 with PyTorch before and after; the Markdown section of the results. */
export async function recurrentReport(quick: boolean, threads: number): Promise<RecurrentReport> {
  const loadBefore = loadavg()[0] as number;
  const before = torchRecurrent(quick);
  const { figures, ratios } = await recurrentWorkloads(quick, threads);
  const loadAfter = loadavg()[0] as number;
  const after = typeof before === 'string' ? before : torchRecurrent(quick);
  const torch =
    typeof before === 'string' || typeof after === 'string'
      ? typeof before === 'string'
        ? before
        : (after as string)
      : { before, after };
  const md = [
    '## W5 (LSTM) and W6 (GRU): engines alternated step by step',
    '',
    `128 units, 32 steps of 32 features, batch 64, softmax head of 10, Adam; one thread each ` +
      `(\`lamina wasm ${threads}t\`: the fused kernels on ${threads} threads, a second phase). ` +
      `W6 is the GRU with the reset gate before the recurrent product (TensorFlow.js's only GRU). ` +
      `Every engine runs in one process and their steps alternate (order rotated each round); ` +
      `ratios are per round, reported as median (quartiles; range). The host is shared: its ` +
      `1-minute load average was ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} ` +
      `after (on ${cpus().length} CPUs), so absolute figures move with other work; ratios hold better.`,
    '',
    '| workload | mode | engine | samples/s (median step) |',
    '| --- | --- | --- | --- |',
    ...figures.map(
      (f) => `| ${f.workload} | ${f.mode} | ${f.engine} | ${f.samplesPerSec.toFixed(0)} |`,
    ),
    '',
    '| workload | mode | ratio | median | quartiles | range | rounds |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...ratios.map(
      (q) =>
        `| ${q.workload} | ${q.mode} | ${q.pair} | ${q.median.toFixed(2)}x | ${q.q1.toFixed(2)}-${q.q3.toFixed(2)}x | ${q.min.toFixed(2)}-${q.max.toFixed(2)}x | ${q.rounds} |`,
    ),
    '',
  ];
  if (typeof torch === 'string') {
    md.push(torch, '');
  } else {
    md.push(
      `PyTorch ${String(torch.before.version)} (one thread; its own process, run before and after the rounds):`,
      '',
      '| workload | mode | lamina engine | pytorch samples/s (before, after) | lamina / pytorch |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const f of figures.filter(
      (x) => x.engine.startsWith('lamina wasm') && !x.engine.endsWith('step-by-step'),
    )) {
      const key = `${f.workload} ${f.mode}`;
      const b = torch.before[key] as number;
      const a = torch.after[key] as number;
      md.push(
        `| ${f.workload} | ${f.mode} | ${f.engine} | ${b.toFixed(0)}, ${a.toFixed(0)} | ${(f.samplesPerSec / Math.max(a, b)).toFixed(2)}-${(f.samplesPerSec / Math.min(a, b)).toFixed(2)}x |`,
      );
    }
    md.push('');
  }
  return { figures, ratios, torch, markdown: md };
}

/** `npm run bench -- --recurrent`: W5/W6 alone, saved as bench/results/recurrent-*. */
export async function recurrentOnly(quick: boolean, threads: number): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`W5/W6 (${runtimeNote()}, ${cpus().length} x ${cpu}${quick ? '; quick' : ''})`);
  const report = await recurrentReport(quick, threads);
  const date = new Date().toISOString();
  const stamp = date.replace(/[:.]/g, '-');
  mkdirSync('bench/results', { recursive: true });
  const meta = {
    node: process.version,
    kernels: lm.getKernelVariant(),
    machine: `${cpus().length} x ${cpu}`,
    quick,
    date,
  };
  writeFileSync(
    `bench/results/recurrent-${stamp}.json`,
    JSON.stringify({ meta, ...report, markdown: undefined }, null, 2),
  );
  writeFileSync(
    `bench/results/recurrent-${stamp}.md`,
    [
      `# Lamina recurrent benchmark ${date}${quick ? ' (quick)' : ''}`,
      '',
      `${runtimeNote()}, ${meta.machine}.`,
      '',
      ...report.markdown,
    ].join('\n'),
  );
  console.log(`\nsaved bench/results/recurrent-${stamp}.{json,md}`);
}
